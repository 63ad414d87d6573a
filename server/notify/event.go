package notify

// Kind is what happened.
type Kind int

const (
	NewCase         Kind = iota + 1 // a case (or a presumed victim's thread) was submitted
	NewMessage                      // a reporter or a presumed victim posted a message
	DeadlineNear                    // a legal deadline of a case falls within the next days
	DeadlineOverdue                 // a legal deadline of a case has passed
)

// Event is a count of things of one kind. It carries nothing that names a
// case. A Count of zero or less counts as one.
type Event struct {
	Kind  Kind
	Count int
}

// Counts are what a mail reports.
type Counts struct {
	NewCases, NewMessages, DeadlinesNear, DeadlinesOverdue int
}

// IsZero reports whether there is nothing to say.
func (c Counts) IsZero() bool { return c == Counts{} }

func (c *Counts) add(e Event) {
	n := e.Count
	if n <= 0 {
		n = 1
	}
	switch e.Kind {
	case NewCase:
		c.NewCases += n
	case NewMessage:
		c.NewMessages += n
	case DeadlineNear:
		c.DeadlinesNear += n
	case DeadlineOverdue:
		c.DeadlinesOverdue += n
	}
}

func (c *Counts) plus(d Counts) {
	c.NewCases += d.NewCases
	c.NewMessages += d.NewMessages
	c.DeadlinesNear += d.DeadlinesNear
	c.DeadlinesOverdue += d.DeadlinesOverdue
}

func (c Counts) total() int {
	return c.NewCases + c.NewMessages + c.DeadlinesNear + c.DeadlinesOverdue
}
