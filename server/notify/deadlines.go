package notify

import "github.com/lanterne/lanterne/server/workflow"

// Deadlines counts, among cases, those with an obligation past due on day
// today (Calendar.Overdue) and, among the others, those with an obligation
// due within the next nearDays days. It returns the events to queue (none
// for a zero count).
func Deadlines(cal workflow.Calendar, cases []workflow.Case, today workflow.Date, nearDays int) []Event {
	var near, overdue int
	limit := today.AddDays(nearDays)
	for _, c := range cases {
		if c.Status == workflow.Closed {
			continue
		}
		if len(cal.Overdue(c, today)) > 0 {
			overdue++
			continue
		}
		d := cal.Deadlines(c)
		soon := func(due workflow.Date) bool { return !due.IsZero() && !due.Before(today) && !limit.Before(due) }
		if (c.Acknowledged.IsZero() && soon(d.AckDue)) ||
			(c.FeedbackGiven.IsZero() && soon(d.FeedbackDue)) ||
			(c.MeetingHeld.IsZero() && soon(d.MeetingDue)) {
			near++
		}
	}
	var evs []Event
	if near > 0 {
		evs = append(evs, Event{Kind: DeadlineNear, Count: near})
	}
	if overdue > 0 {
		evs = append(evs, Event{Kind: DeadlineOverdue, Count: overdue})
	}
	return evs
}
