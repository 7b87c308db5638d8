// Package gormrepo stores videos and view logs with GORM.
package gormrepo

import (
	"time"

	"vms/modules/video/domain"
)

type videoModel struct {
	ID            int64 `gorm:"primaryKey"`
	Name          string
	CorporationID int64
	Visibility    string
	SourceKind    string
	StorageKey    *string
	SourceURL     *string `gorm:"column:source_url"`
	ContentType   string
	SizeBytes     int64
	SHA256        string `gorm:"column:sha256"`
	Deleted       bool
	DeletedAt     *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (videoModel) TableName() string { return "videos" }

type viewLogModel struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	VideoID   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (viewLogModel) TableName() string { return "video_view_logs" }

func toModel(v domain.Video) videoModel {
	m := videoModel{
		ID: v.ID, Name: v.Name, CorporationID: v.CorporationID, Visibility: string(v.Visibility), SourceKind: string(v.SourceKind),
		ContentType: v.ContentType, SizeBytes: v.SizeBytes, SHA256: v.SHA256,
		Deleted: v.Deleted, DeletedAt: v.DeletedAt, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
	}
	if m.Visibility == "" {
		m.Visibility = string(domain.Private)
	}
	if v.StorageKey != "" {
		m.StorageKey = &v.StorageKey
	}
	if v.SourceURL != "" {
		m.SourceURL = &v.SourceURL
	}
	return m
}

func toDomain(m videoModel) domain.Video {
	v := domain.Video{
		ID: m.ID, Name: m.Name, CorporationID: m.CorporationID, Visibility: domain.Visibility(m.Visibility), SourceKind: domain.SourceKind(m.SourceKind),
		ContentType: m.ContentType, SizeBytes: m.SizeBytes, SHA256: m.SHA256,
		Deleted: m.Deleted, CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
	if m.StorageKey != nil {
		v.StorageKey = *m.StorageKey
	}
	if m.SourceURL != nil {
		v.SourceURL = *m.SourceURL
	}
	if m.DeletedAt != nil {
		t := m.DeletedAt.UTC()
		v.DeletedAt = &t
	}
	return v
}

func viewLogToDomain(m viewLogModel) domain.ViewLog {
	return domain.ViewLog{ID: m.ID, UserID: m.UserID, VideoID: m.VideoID, CreatedAt: m.CreatedAt.UTC()}
}
