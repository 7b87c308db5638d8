package database

import "gorm.io/gorm/clause"

var (
	lockForUpdate      = clause.Locking{Strength: clause.LockingStrengthUpdate}
	lockForNoKeyUpdate = clause.Locking{Strength: "NO KEY UPDATE"}
)
