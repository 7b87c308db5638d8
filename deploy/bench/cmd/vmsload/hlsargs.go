package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"vms/modules/media/adapters/ffmpeg"
	"vms/modules/media/domain"
	"vms/modules/media/ports"
)

// runHLSArgs prints the server's ffmpeg arguments of the HLS transcode of a local file, one
// per line: the file is probed with the server's ffprobe call, the rungs are planned from
// the ladder as the media job plans them, and the arguments are ffmpeg.TranscodeArgs for
// the file read by path (the local storage's case). ffmpeg is meant to run them in an
// empty folder, as the server does.
func runHLSArgs(args []string) error {
	fs := flag.NewFlagSet("hlsargs", flag.ContinueOnError)
	file := fs.String("file", "", "the video (a local file)")
	ladder := fs.String("ladder", envOr("HLS_LADDER", "360,720,1080"), "rendition heights, as HLS_LADDER")
	ffprobePath := fs.String("ffprobe", "ffprobe", "ffprobe binary")
	ffmpegPath := fs.String("ffmpeg", "ffmpeg", "ffmpeg binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return fmt.Errorf("need -file")
	}
	heights, err := parseLadder(*ladder)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(*file)
	if err != nil {
		return err
	}
	tools, err := ffmpeg.Find(*ffprobePath, *ffmpegPath)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := ports.Input{Open: func(context.Context) (io.ReadSeekCloser, error) { return os.Open(abs) }} //nolint:gosec // G304: the file named on the command line
	probe, err := tools.Probe(ctx, in)
	if err != nil {
		return err
	}
	plan := domain.PlanTranscode(heights, probe)
	if len(plan.Rungs) == 0 {
		return fmt.Errorf("%s has no picture to transcode", *file)
	}
	names := make([]string, 0, len(plan.Rungs))
	for _, r := range plan.Rungs {
		names = append(names, fmt.Sprintf("%s(%dx%d@%d)", r.Name, r.Width, r.Height, r.Bitrate))
	}
	fmt.Fprintf(os.Stderr, "hlsargs: %s: %s, audio=%v\n", *file, strings.Join(names, " "), plan.Audio)
	for _, a := range ffmpeg.TranscodeArgs("file:"+abs, "file", plan) {
		fmt.Println(a)
	}
	return nil
}

// parseLadder reads a comma-separated list of heights as the server's HLS_LADDER does
// (an optional "p" suffix; even, 144 to 4320).
func parseLadder(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		h, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(part), "p"))
		if err != nil || h < 144 || h > 4320 || h%2 != 0 {
			return nil, fmt.Errorf("ladder %q: want even heights from 144 to 4320, e.g. 360,720,1080", s)
		}
		out = append(out, h)
	}
	return out, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
