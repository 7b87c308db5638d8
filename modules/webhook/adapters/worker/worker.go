// Package worker delivers webhook events in River jobs: one job per delivery, in a queue
// of its own, retried on the module's schedule (domain.RetryDelay, domain.MaxAttempts).
package worker

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"vms/modules/webhook/adapters/sender"
	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
	"vms/modules/webhook/service"
	"vms/platform/jobs"
)

// QueueName is the River queue of webhook deliveries: short, I/O-bound jobs that must not
// wait behind media processing in the default queue.
const QueueName = "webhooks"

// QueueWorkers is how many deliveries a replica attempts at once. An attempt mostly
// waits on the network (up to sender.Timeout), so this is well above JOB_WORKERS.
const QueueWorkers = 16

// Queue is the queue of its own the deliveries run in.
func Queue() jobs.Queue { return jobs.Queue{Name: QueueName, MaxWorkers: QueueWorkers} }

// Args names the delivery a job attempts.
type Args struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind identifies the job.
func (Args) Kind() string { return "webhook_deliver" }

// InsertOpts puts the job in the webhooks queue with the module's number of attempts.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueName, MaxAttempts: domain.MaxAttempts}
}

// Deliverer makes one attempt of a delivery (the service).
type Deliverer interface {
	Deliver(ctx context.Context, deliveryID int64, try service.Try) (service.Outcome, error)
}

// Worker attempts deliveries.
type Worker struct {
	river.WorkerDefaults[Args]
	d       Deliverer
	metrics *Metrics
}

// NewWorker builds the worker.
func NewWorker(d Deliverer, m *Metrics) *Worker { return &Worker{d: d, metrics: m} }

// Register adds the worker to River's registry.
func Register(w *Worker) jobs.Registration {
	return func(ws *river.Workers) error { return river.AddWorkerSafely(ws, w) }
}

// Work makes one attempt; a failed attempt returns its error and River retries the job at
// NextRetry, until its last attempt.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	try := service.Try{Last: job.Attempt >= job.MaxAttempts, Next: w.NextRetry(job)}
	out, err := w.d.Deliver(ctx, job.Args.DeliveryID, try)
	w.metrics.observe(out)
	return err
}

// NextRetry is when River runs the job again after a failed attempt: the module's
// schedule, the same time Work records as the delivery's next attempt.
func (w *Worker) NextRetry(job *river.Job[Args]) time.Time {
	return time.Now().Add(domain.RetryDelay(job.Attempt, job.ID)).Truncate(time.Second)
}

// Timeout bounds one attempt: the request's own timeout plus time to record it. Keep
// JOB_RESCUE_AFTER above it.
func (w *Worker) Timeout(*river.Job[Args]) time.Duration { return sender.Timeout + 5*time.Second }

// JobQueue is the ports.Queue over River.
type JobQueue struct{ ins *jobs.Inserter }

var _ ports.Queue = (*JobQueue)(nil)

// NewQueue builds the queue.
func NewQueue(ins *jobs.Inserter) *JobQueue { return &JobQueue{ins: ins} }

// Enqueue inserts one job per delivery in the unit of work carried by ctx. The relay
// calls it with a batch of many changes' deliveries, a few times a second at most per
// replica, so each insert notifies the workers at once.
func (q *JobQueue) Enqueue(ctx context.Context, deliveryIDs []int64) error {
	params := make([]river.InsertManyParams, 0, len(deliveryIDs))
	for _, id := range deliveryIDs {
		params = append(params, river.InsertManyParams{Args: Args{DeliveryID: id}})
	}
	return q.ins.InsertMany(ctx, params)
}
