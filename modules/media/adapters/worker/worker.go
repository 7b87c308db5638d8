// Package worker runs media processing as River jobs.
package worker

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"vms/modules/media/ports"
)

// ProcessArgs is the job that processes one video's original.
type ProcessArgs struct {
	VideoID int64 `json:"video_id"`
}

// Kind names the job in River's table and the metrics.
func (ProcessArgs) Kind() string { return "media_process" }

// InsertOpts gives a few attempts. Jobs are not unique per video: River's uniqueness always
// covers running jobs, and a request to process again while a job runs (or has run but
// is not yet recorded complete) must not be dropped.
func (ProcessArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: MaxAttempts, Tags: []string{"media"}}
}

// MaxAttempts is how often a processing job is tried before the media ends failed.
const MaxAttempts = 5

// Processor is the use case the job runs.
type Processor interface {
	Process(ctx context.Context, videoID int64) error
	GiveUp(ctx context.Context, videoID int64, err error) error
}

// Worker works ProcessArgs jobs.
type Worker struct {
	river.WorkerDefaults[ProcessArgs]
	p Processor
}

// NewWorker builds the worker.
func NewWorker(p Processor) *Worker { return &Worker{p: p} }

// Work processes the video; after the last failed attempt the media is marked failed.
func (w *Worker) Work(ctx context.Context, job *river.Job[ProcessArgs]) error {
	err := w.p.Process(ctx, job.Args.VideoID)
	if err != nil && stopping(ctx) {
		// The replica is stopping: River puts the job back without counting the attempt.
		return err
	}
	if err != nil && job.Attempt >= job.MaxAttempts {
		if gerr := w.p.GiveUp(context.WithoutCancel(ctx), job.Args.VideoID, err); gerr != nil {
			return gerr
		}
	}
	return err
}

// stopping reports whether the job's context was cancelled (the client stopping) rather
// than timed out (JOB_TIMEOUT, which River counts as a failed attempt).
func stopping(ctx context.Context) bool {
	return ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// Register adds the worker to River's registry.
func Register(w *Worker) func(*river.Workers) error {
	return func(ws *river.Workers) error { return river.AddWorkerSafely(ws, w) }
}

// Inserter inserts jobs inside the caller's unit of work.
type Inserter interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Queue is the ports.Queue over River.
type Queue struct{ jobs Inserter }

var _ ports.Queue = Queue{}

// NewQueue builds the queue.
func NewQueue(j Inserter) Queue { return Queue{jobs: j} }

// Enqueue inserts the processing job of a video.
func (q Queue) Enqueue(ctx context.Context, videoID int64) error {
	return q.jobs.Insert(ctx, ProcessArgs{VideoID: videoID}, nil)
}
