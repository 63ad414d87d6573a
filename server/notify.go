package server

import (
	"context"

	"github.com/lanterne/lanterne/server/notify"
	"github.com/lanterne/lanterne/server/workflow"
)

// notify tells Config.Notify, if set, of one event of kind k in org.
func (s *Server) notify(org string, k notify.Kind) {
	if s.cfg.Notify != nil {
		s.cfg.Notify(org, notify.Event{Kind: k, Count: 1})
	}
}

// DeadlineEvents counts org's cases with a legal deadline passed, or due
// within nearDays days, today: events for a notify.Notifier, meant to be
// queued once a day by the serve command.
func (s *Server) DeadlineEvents(ctx context.Context, org string, nearDays int) ([]notify.Event, error) {
	var cases []workflow.Case
	after := ""
	for {
		ms, err := s.store.Cases(ctx, org, after, 0)
		if err != nil {
			return nil, err
		}
		for i := range ms {
			cases = append(cases, workflowCase(&ms[i]))
		}
		if len(ms) == 0 {
			break
		}
		after = ms[len(ms)-1].LookupID
	}
	return notify.Deadlines(s.cfg.Calendar, cases, s.today(), nearDays), nil
}
