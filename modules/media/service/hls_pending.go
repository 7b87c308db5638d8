package service

import (
	"context"

	"vms/platform/kind"
)

// errNoHLS: no video has HLS renditions before the transcode step exists.
var errNoHLS = kind.New(kind.NotFound, "no HLS renditions for this video")

// HLSFile returns the storage key of one of the video's HLS files; none exist yet.
func (s *Service) HLSFile(context.Context, int64, string) (string, error) { return "", errNoHLS }
