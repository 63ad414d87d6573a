package workflow

// The legal delays, in the units the law counts them in.
const (
	AckWorkingDays     = 7
	FeedbackMonths     = 3
	MeetingWorkingDays = 20
	TargetInformMonths = 1
)

// Case is what the deadlines depend on: dates only, no content.
type Case struct {
	Status           Status
	Received         Date
	Acknowledged     Date // zero until acknowledged
	FeedbackGiven    Date // zero until the first feedback (orientation or closure)
	MeetingRequested Date // zero when no meeting was asked for
	MeetingHeld      Date // zero until the meeting took place
	Closed           Date
}

// Deadlines are the due dates of a case; a zero Date means "not applicable".
type Deadlines struct {
	AckDue            Date `json:"ack_due"`
	FeedbackDue       Date `json:"feedback_due"`
	MeetingDue        Date `json:"meeting_due,omitzero"`
	TargetInformedDue Date `json:"target_informed_due"`
}

// Deadlines computes the due dates of c.
func (cal Calendar) Deadlines(c Case) Deadlines {
	ackDue := cal.AddWorkingDays(c.Received, AckWorkingDays)
	from := ackDue
	if !c.Acknowledged.IsZero() && c.Acknowledged.Before(ackDue) {
		from = c.Acknowledged
	}
	d := Deadlines{
		AckDue:            ackDue,
		FeedbackDue:       from.AddMonths(FeedbackMonths),
		TargetInformedDue: c.Received.AddMonths(TargetInformMonths),
	}
	if !c.MeetingRequested.IsZero() {
		d.MeetingDue = cal.AddWorkingDays(c.MeetingRequested, MeetingWorkingDays)
	}
	return d
}

// Overdue lists which obligations are past due on day today, by name:
// "ack", "feedback", "meeting". A closed case is never overdue.
func (cal Calendar) Overdue(c Case, today Date) []string {
	if c.Status == Closed {
		return nil
	}
	d := cal.Deadlines(c)
	var late []string
	if c.Acknowledged.IsZero() && d.AckDue.Before(today) {
		late = append(late, "ack")
	}
	if c.FeedbackGiven.IsZero() && d.FeedbackDue.Before(today) {
		late = append(late, "feedback")
	}
	if !d.MeetingDue.IsZero() && c.MeetingHeld.IsZero() && d.MeetingDue.Before(today) {
		late = append(late, "meeting")
	}
	return late
}
