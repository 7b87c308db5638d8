package httpapi

import (
	"strconv"
	"time"

	"vms/modules/video/domain"
)

// createVideoRequest registers a video from an http(s) source URL.
type createVideoRequest struct {
	Name     string `json:"name" validate:"required" minLength:"1" maxLength:"200" example:"Product tour"`
	FilePath string `json:"file_path" validate:"required" format:"uri" minLength:"8" maxLength:"2048" pattern:"^[Hh][Tt][Tt][Pp][Ss]?://" example:"https://media.example.com/tour.mp4"`
	// private when absent
	Visibility string `json:"visibility" enums:"private,public" example:"public"`
}

// updateVideoRequest changes a video; absent fields stay as they are.
type updateVideoRequest struct {
	Name       *string `json:"name" minLength:"1" maxLength:"200" example:"Product tour (2026)"`
	FilePath   *string `json:"file_path" format:"uri" minLength:"8" maxLength:"2048" pattern:"^[Hh][Tt][Tt][Pp][Ss]?://" example:"https://media.example.com/tour-2026.mp4"`
	Visibility *string `json:"visibility" enums:"private,public" example:"public"`
}

// videoResponse is a video.
type videoResponse struct {
	ID            int64  `json:"id" validate:"required" minimum:"1" example:"7"`
	Name          string `json:"name" validate:"required" minLength:"1" maxLength:"200" example:"Product tour"`
	CorporationID int64  `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Visibility    string `json:"visibility" validate:"required" enums:"private,public" example:"private"`
	SourceKind    string `json:"source_kind" validate:"required" enums:"upload,url" example:"upload"`
	// The source URL of a video registered from a URL; null for an uploaded file.
	FilePath    *string       `json:"file_path" validate:"required" format:"uri" extensions:"x-nullable" example:"https://media.example.com/tour.mp4"`
	ContentType string        `json:"content_type" validate:"required" example:"video/mp4"`
	SizeBytes   int64         `json:"size_bytes" validate:"required" minimum:"0" example:"88925"`
	Deleted     bool          `json:"deleted" validate:"required" example:"false"`
	DeletedAt   *time.Time    `json:"deleted_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-01-02T03:04:05Z"`
	CreatedAt   time.Time     `json:"created_at" validate:"required" format:"date-time" example:"2026-01-02T03:04:05Z"`
	UpdatedAt   time.Time     `json:"updated_at" validate:"required" format:"date-time" example:"2026-01-02T03:04:05Z"`
	Media       mediaResponse `json:"media" validate:"required"`
}

// mediaResponse is what media processing learned about a video. Fields are null while
// unknown: during processing, after a failure, for videos registered from a source URL
// (never handed to the media tools) and on servers without ffprobe.
type mediaResponse struct {
	// processing after an upload until the background job ends: ready or failed
	Status string `json:"status" validate:"required" enums:"processing,ready,failed" example:"ready"`
	// why processing failed
	Error           *string  `json:"error" validate:"required" extensions:"x-nullable" maxLength:"2000" example:"ffprobe could not read the file: Invalid data found when processing input"`
	DurationSeconds *float64 `json:"duration_seconds" validate:"required" extensions:"x-nullable" minimum:"0" example:"5.02"`
	Width           *int     `json:"width" validate:"required" extensions:"x-nullable" minimum:"1" example:"320"`
	Height          *int     `json:"height" validate:"required" extensions:"x-nullable" minimum:"1" example:"240"`
	VideoCodec      *string  `json:"video_codec" validate:"required" extensions:"x-nullable" maxLength:"64" example:"h264"`
	AudioCodec      *string  `json:"audio_codec" validate:"required" extensions:"x-nullable" maxLength:"64" example:"aac"`
	// bits per second
	Bitrate *int64 `json:"bitrate" validate:"required" extensions:"x-nullable" minimum:"0" example:"141000"`
	// GET it with the same access as the video
	PosterURL *string `json:"poster_url" validate:"required" extensions:"x-nullable" format:"uri-reference" example:"/v1/videos/7/poster"`
	// the HLS master playlist, once renditions exist
	HLSURL     *string             `json:"hls_url" validate:"required" extensions:"x-nullable" format:"uri-reference" example:"/v1/videos/7/hls/master.m3u8"`
	Renditions []renditionResponse `json:"renditions" validate:"required"`
}

// renditionResponse is one HLS rendition.
type renditionResponse struct {
	Height    int   `json:"height" validate:"required" minimum:"1" example:"720"`
	Bandwidth int64 `json:"bandwidth" validate:"required" minimum:"1" example:"2800000"`
}

func toMediaResponse(id int64, m domain.Media) mediaResponse {
	r := mediaResponse{Status: string(m.Status), Renditions: []renditionResponse{}}
	if r.Status == "" {
		r.Status = string(domain.MediaReady)
	}
	if m.Error != "" {
		r.Error = &m.Error
	}
	if m.DurationSeconds > 0 {
		r.DurationSeconds = &m.DurationSeconds
	}
	if m.Width > 0 && m.Height > 0 {
		r.Width, r.Height = &m.Width, &m.Height
	}
	if m.VideoCodec != "" {
		r.VideoCodec = &m.VideoCodec
	}
	if m.AudioCodec != "" {
		r.AudioCodec = &m.AudioCodec
	}
	if m.Bitrate > 0 {
		r.Bitrate = &m.Bitrate
	}
	if m.HasPoster {
		u := "/v1/videos/" + strconv.FormatInt(id, 10) + "/poster"
		r.PosterURL = &u
	}
	if len(m.Renditions) > 0 {
		u := "/v1/videos/" + strconv.FormatInt(id, 10) + "/hls/master.m3u8"
		r.HLSURL = &u
		for _, rd := range m.Renditions {
			r.Renditions = append(r.Renditions, renditionResponse{Height: rd.Height, Bandwidth: rd.Bandwidth})
		}
	}
	return r
}

func toResponse(v domain.Video) videoResponse {
	r := videoResponse{
		ID: v.ID, Name: v.Name, CorporationID: v.CorporationID, Visibility: string(v.Visibility), SourceKind: string(v.SourceKind),
		ContentType: v.ContentType, SizeBytes: v.SizeBytes, Deleted: v.Deleted,
		CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(),
		Media: toMediaResponse(v.ID, v.Media),
	}
	if v.SourceKind == domain.SourceURL {
		src := v.SourceURL
		r.FilePath = &src
	}
	if v.DeletedAt != nil {
		t := v.DeletedAt.UTC()
		r.DeletedAt = &t
	}
	return r
}

func toResponses(vs []domain.Video) []videoResponse {
	out := make([]videoResponse, 0, len(vs))
	for _, v := range vs {
		out = append(out, toResponse(v))
	}
	return out
}

// createViewLogRequest records a view of a video.
type createViewLogRequest struct {
	VideoID *int64 `json:"video_id" validate:"required" minimum:"1" example:"7"`
}

// viewLogResponse is a view log; PointsAwarded tells what this request credited.
type viewLogResponse struct {
	ID            int64     `json:"id" validate:"required" minimum:"1" example:"3"`
	UserID        int64     `json:"user_id" validate:"required" minimum:"1" example:"2"`
	VideoID       int64     `json:"video_id" validate:"required" minimum:"1" example:"7"`
	CreatedAt     time.Time `json:"created_at" validate:"required" format:"date-time" example:"2026-01-02T03:04:05Z"`
	PointsAwarded int64     `json:"points_awarded" validate:"required" minimum:"0" example:"10"`
}

func viewToResponse(v domain.View) viewLogResponse {
	return viewLogResponse{
		ID: v.Log.ID, UserID: v.Log.UserID, VideoID: v.Log.VideoID,
		CreatedAt: v.Log.CreatedAt.UTC(), PointsAwarded: v.PointsAwarded,
	}
}

// playbackResponse is a short-lived stream URL.
type playbackResponse struct {
	URL string `json:"url" validate:"required" format:"uri-reference" example:"/v1/videos/stream/7?token=eyJhbGciOi..."`
	// the HLS master playlist with the same token, once the video has renditions
	HLSURL    *string   `json:"hls_url" validate:"required" extensions:"x-nullable" format:"uri-reference" example:"/v1/videos/7/hls/master.m3u8?token=eyJhbGciOi..."`
	ExpiresAt time.Time `json:"expires_at" validate:"required" format:"date-time" example:"2026-01-02T03:14:05Z"`
}
