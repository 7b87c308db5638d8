package database

import "gorm.io/gorm/clause"

var lockForUpdate = clause.Locking{Strength: "UPDATE"}
