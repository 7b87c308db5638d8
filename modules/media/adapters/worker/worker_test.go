package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// fakeProcessor records the calls of the worker.
type fakeProcessor struct {
	processErr error
	giveUpErr  error

	processed []int64
	gaveUp    []int64
	gaveUpErr []error
	giveUpCtx context.Context
}

func (f *fakeProcessor) Process(_ context.Context, videoID int64) error {
	f.processed = append(f.processed, videoID)
	return f.processErr
}

func (f *fakeProcessor) GiveUp(ctx context.Context, videoID int64, err error) error {
	f.gaveUp = append(f.gaveUp, videoID)
	f.gaveUpErr = append(f.gaveUpErr, err)
	f.giveUpCtx = ctx
	return f.giveUpErr
}

func job(videoID int64, attempt, maxAttempts int) *river.Job[ProcessArgs] {
	return &river.Job[ProcessArgs]{
		JobRow: &rivertype.JobRow{ID: 1, Kind: ProcessArgs{}.Kind(), Attempt: attempt, MaxAttempts: maxAttempts},
		Args:   ProcessArgs{VideoID: videoID},
	}
}

// An attempt that fails before the last returns its error for River to retry, and the
// media is not given up on.
func TestWorkRetriesBeforeTheLastAttempt(t *testing.T) {
	broken := errors.New("storage unavailable")
	for attempt := 1; attempt < MaxAttempts; attempt++ {
		p := &fakeProcessor{processErr: broken}
		err := NewWorker(p).Work(context.Background(), job(42, attempt, MaxAttempts))
		if !errors.Is(err, broken) {
			t.Fatalf("attempt %d of %d: Work = %v, want the processing error", attempt, MaxAttempts, err)
		}
		if len(p.processed) != 1 || p.processed[0] != 42 {
			t.Fatalf("attempt %d: processed %v, want video 42 once", attempt, p.processed)
		}
		if len(p.gaveUp) != 0 {
			t.Fatalf("attempt %d of %d: GiveUp called for %v before the last attempt", attempt, MaxAttempts, p.gaveUp)
		}
	}
}

// The last attempt that fails gives the media up (with the attempt's error) and still
// returns the error, so River records the job discarded.
func TestWorkGivesUpAtTheLastAttempt(t *testing.T) {
	broken := errors.New("storage unavailable")
	for _, tc := range []struct{ attempt, max int }{{MaxAttempts, MaxAttempts}, {2, 2}, {1, 1}, {3, 2}} {
		p := &fakeProcessor{processErr: broken}
		err := NewWorker(p).Work(context.Background(), job(7, tc.attempt, tc.max))
		if !errors.Is(err, broken) {
			t.Fatalf("attempt %d of %d: Work = %v, want the processing error", tc.attempt, tc.max, err)
		}
		if len(p.gaveUp) != 1 || p.gaveUp[0] != 7 || !errors.Is(p.gaveUpErr[0], broken) {
			t.Fatalf("attempt %d of %d: GiveUp calls %v with %v, want video 7 once with the processing error", tc.attempt, tc.max, p.gaveUp, p.gaveUpErr)
		}
	}
}

// A last attempt that succeeds gives nothing up.
func TestWorkSucceedsAtTheLastAttempt(t *testing.T) {
	p := &fakeProcessor{}
	if err := NewWorker(p).Work(context.Background(), job(9, MaxAttempts, MaxAttempts)); err != nil {
		t.Fatalf("Work = %v", err)
	}
	if len(p.processed) != 1 || len(p.gaveUp) != 0 {
		t.Fatalf("processed %v, gave up %v", p.processed, p.gaveUp)
	}
}

// A last attempt cut off by JOB_TIMEOUT still records the failure: GiveUp runs on a
// context that has not expired. (River counts a timed-out attempt, so the job is
// discarded.) A GiveUp that fails is what Work returns.
func TestWorkGiveUpOutlivesTheJobContext(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	p := &fakeProcessor{processErr: ctx.Err()}
	if err := NewWorker(p).Work(ctx, job(3, 2, 2)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Work = %v, want the timeout", err)
	}
	if len(p.gaveUp) != 1 || p.giveUpCtx == nil || p.giveUpCtx.Err() != nil {
		t.Fatalf("GiveUp calls %v on a context with error %v, want one on a live context", p.gaveUp, p.giveUpCtx.Err())
	}

	dbDown := errors.New("database unavailable")
	p = &fakeProcessor{processErr: errors.New("storage unavailable"), giveUpErr: dbDown}
	if err := NewWorker(p).Work(context.Background(), job(3, 2, 2)); !errors.Is(err, dbDown) {
		t.Fatalf("Work = %v, want GiveUp's error", err)
	}
}

// A last attempt interrupted because the replica stops is not counted by River (the job
// goes back to the queue), so the media is not given up on.
func TestWorkStoppingReplicaGivesNothingUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := &fakeProcessor{processErr: ctx.Err()}
	if err := NewWorker(p).Work(ctx, job(5, MaxAttempts, MaxAttempts)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Work = %v, want the cancellation", err)
	}
	if len(p.gaveUp) != 0 {
		t.Fatalf("GiveUp called for %v while the replica stops", p.gaveUp)
	}
}

// Jobs are inserted with the module's attempts and tag.
func TestProcessArgsInsertOpts(t *testing.T) {
	opts := ProcessArgs{}.InsertOpts()
	if opts.MaxAttempts != MaxAttempts || len(opts.Tags) != 1 || opts.Tags[0] != "media" || opts.UniqueOpts.ByArgs {
		t.Fatalf("InsertOpts = %+v", opts)
	}
	if (ProcessArgs{}).Kind() != "media_process" {
		t.Fatal("kind renamed: jobs already queued under media_process would never run")
	}
}
