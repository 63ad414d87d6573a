package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Config is what a Notifier needs. Orgs is required.
type Config struct {
	// Orgs returns an organisation's name and settings; ok false (or
	// settings without host, sender or recipients) drops its events.
	Orgs func(org string) (o Org, ok bool)
	// Coalesce is the least time between two immediate mails to one
	// organisation; 0 means 15 minutes.
	Coalesce time.Duration
	// DigestHour is the local hour (0-23) digests are sent from; a digest
	// carries what happened since the previous one.
	DigestHour int
	// Location is where days and DigestHour are taken. Nil means
	// Europe/Paris.
	Location *time.Location
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Tick drives Run. Nil means a one-minute ticker.
	Tick <-chan time.Time
	// Logger gets one record per mail sent or failed (org id and counts).
	// Nil discards.
	Logger *slog.Logger
}

// Notifier queues events per organisation and mails them. It is safe for
// concurrent use.
type Notifier struct {
	cfg Config
	log *slog.Logger

	mu   sync.Mutex
	orgs map[string]*queue
}

type queue struct {
	pending    Counts
	lastSent   time.Time // last immediate mail accepted
	lastDigest string    // civil day of the last digest accepted
}

// New returns a Notifier.
func New(cfg Config) (*Notifier, error) {
	if cfg.Orgs == nil {
		return nil, errors.New("notify: Config.Orgs is required")
	}
	if cfg.Coalesce <= 0 {
		cfg.Coalesce = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			return nil, err
		}
		cfg.Location = loc
	}
	n := &Notifier{cfg: cfg, log: cfg.Logger, orgs: map[string]*queue{}}
	if n.log == nil {
		n.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return n, nil
}

// Notify queues e for org. It never blocks on the network; its signature
// fits server.Config.Notify.
func (n *Notifier) Notify(org string, e Event) {
	n.mu.Lock()
	defer n.mu.Unlock()
	q := n.orgs[org]
	if q == nil {
		q = &queue{}
		n.orgs[org] = q
	}
	q.pending.add(e)
}

// Pending returns what is queued for org and not yet sent.
func (n *Notifier) Pending(org string) Counts {
	n.mu.Lock()
	defer n.mu.Unlock()
	if q := n.orgs[org]; q != nil {
		return q.pending
	}
	return Counts{}
}

// Run calls Flush on every tick until ctx is done.
func (n *Notifier) Run(ctx context.Context) error {
	tick := n.cfg.Tick
	if tick == nil {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
			n.Flush(ctx)
		}
	}
}

// Flush sends every mail that is due now: immediate ones whose
// organisation had none for Coalesce, digests once the day's DigestHour
// has come. A failed mail keeps its counts for the next Flush.
func (n *Notifier) Flush(ctx context.Context) {
	now := n.cfg.Now()
	local := now.In(n.cfg.Location)
	today := local.Format(time.DateOnly)

	type job struct {
		org    string
		o      Org
		counts Counts
	}
	var jobs []job
	n.mu.Lock()
	for id, q := range n.orgs {
		if q.pending.IsZero() {
			continue
		}
		o, ok := n.cfg.Orgs(id)
		if !ok || !o.Settings.enabled() {
			n.log.Info("notify: no mail settings, events dropped", "org", id, "count", q.pending.total())
			q.pending = Counts{}
			continue
		}
		if o.Settings.Digest {
			if local.Hour() < n.cfg.DigestHour || q.lastDigest == today {
				continue
			}
		} else if !q.lastSent.IsZero() && now.Sub(q.lastSent) < n.cfg.Coalesce {
			continue
		}
		jobs = append(jobs, job{id, o, q.pending})
		q.pending = Counts{}
	}
	n.mu.Unlock()

	for _, j := range jobs {
		err := send(ctx, j.o.Settings, message(j.o.Settings.From, j.o.Settings.To, j.o.Name, j.counts, now))
		n.mu.Lock()
		q := n.orgs[j.org]
		if err != nil {
			q.pending.plus(j.counts) // kept for the next Flush
		} else if j.o.Settings.Digest {
			q.lastDigest = today
		} else {
			q.lastSent = now
		}
		n.mu.Unlock()
		if err != nil {
			n.log.Warn("notify: mail not sent, will retry", "org", j.org, "count", j.counts.total(), "err", err)
		} else {
			n.log.Info("notify: mail sent", "org", j.org, "count", j.counts.total(), "digest", j.o.Settings.Digest)
		}
	}
}
