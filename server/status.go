package server

import (
	"context"
	"net/http"

	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/server/workflow"
	"github.com/lanterne/lanterne/store"
)

// Readers of a case that are not referents.
const (
	partyReporter = store.AuthorReporter
	partyVictim   = store.AuthorVictim
)

// partyOf is the reader name of the case's reporter side.
func partyOf(m *store.CaseMeta) string {
	if m.Flags.VictimThread {
		return partyVictim
	}
	return partyReporter
}

func day(s string) workflow.Date {
	d, _ := workflow.ParseDate(s) // the store only keeps valid days
	return d
}

// workflowCase is what the deadlines depend on.
func workflowCase(m *store.CaseMeta) workflow.Case {
	c := workflow.Case{
		Status:        workflow.Status(m.Status),
		Received:      day(m.CreatedDay),
		Acknowledged:  day(m.Days.Acknowledged),
		FeedbackGiven: day(m.Days.FeedbackGiven),
		MeetingHeld:   day(m.Days.MeetingHeld),
		Closed:        day(m.Days.Closed),
	}
	if m.Flags.MeetingRequested {
		c.MeetingRequested = c.Received // asked for in the report
	}
	return c
}

func dayString(d workflow.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// setDeadlines stores the case's current due dates in its meta.
func (s *Server) setDeadlines(m *store.CaseMeta) {
	d := s.cfg.Calendar.Deadlines(workflowCase(m))
	m.Deadlines = store.Deadlines{
		AckDue:            dayString(d.AckDue),
		FeedbackDue:       dayString(d.FeedbackDue),
		MeetingDue:        dayString(d.MeetingDue),
		TargetInformedDue: dayString(d.TargetInformedDue),
	}
}

// caseStatus is the API view of a case. A reporter's view leaves out the
// linked case's lookup id.
func (s *Server) caseStatus(ctx context.Context, org string, m *store.CaseMeta, forReferent bool) (api.CaseStatus, error) {
	wc := workflowCase(m)
	d := s.cfg.Calendar.Deadlines(wc)
	st := api.CaseStatus{
		LookupID: m.LookupID,
		Route:    m.Route,
		Channel:  m.Channel,
		Status:   m.Status,
		Received: m.CreatedDay,
		Deadlines: api.Deadlines{
			AckDue:            dayString(d.AckDue),
			FeedbackDue:       dayString(d.FeedbackDue),
			MeetingDue:        dayString(d.MeetingDue),
			TargetInformedDue: dayString(d.TargetInformedDue),
		},
		Overdue:           s.cfg.Calendar.Overdue(wc, s.today()),
		History:           []api.StatusChange{},
		Witness:           m.Flags.Witness,
		AwaitingConsent:   m.Flags.WitnessAwaitingConsent,
		Invited:           m.Invitation != "",
		MeetingRequested:  m.Flags.MeetingRequested,
		IdentityState:     string(m.Flags.Identity),
		ReporterRecipient: m.ReporterRecipient,
		ReadByReporter:    m.Read.Reporter,
	}
	if st.IdentityState == "" {
		st.IdentityState = "none"
	}
	for _, h := range m.StatusHistory {
		st.History = append(st.History, api.StatusChange{Status: h.Status, Day: h.Day})
	}
	if m.Flags.Consent != store.ConsentNone {
		given := m.Flags.Consent == store.ConsentGiven
		st.ConsentGiven = &given
	}
	for _, seq := range m.Read.Referents {
		st.ReadByReferents = max(st.ReadByReferents, seq)
	}
	if forReferent {
		st.Linked = m.LinkedCase
	}
	last, unread, err := s.store.Headers(ctx, org, m.LookupID, store.Messages, m.Read.Reporter, 0)
	if err != nil {
		return api.CaseStatus{}, err
	}
	st.Messages = last
	for _, e := range unread {
		if e.Author != partyReporter && e.Author != partyVictim {
			st.UnreadByReporter++
		}
	}
	files, err := s.store.Files(ctx, org, m.LookupID)
	if err != nil {
		return api.CaseStatus{}, err
	}
	for _, f := range files {
		fs := api.FileStatus{FileID: f.FileID, Complete: f.Complete, Chunks: int(f.Stored)}
		if f.Complete {
			fs.CiphertextSize = int64(f.Size)
			fs.CiphertextSHA256 = f.SHA256[:]
		}
		st.Files = append(st.Files, fs)
	}
	return st, nil
}

// writeStatus answers with the case's status.
func (s *Server) writeStatus(w http.ResponseWriter, r *http.Request, org string, m *store.CaseMeta, forReferent bool, code int) error {
	st, err := s.caseStatus(r.Context(), org, m, forReferent)
	if err != nil {
		return err
	}
	writeJSON(w, code, st)
	return nil
}
