package workflow

import "fmt"

// Status is where a case stands.
type Status string

const (
	Received     Status = "received"
	Acknowledged Status = "acknowledged"
	InAnalysis   Status = "in_analysis"
	Oriented     Status = "oriented" // orientation given or action plan set
	Closed       Status = "closed"
)

var transitions = map[Status][]Status{
	Received:     {Acknowledged, Closed},
	Acknowledged: {InAnalysis, Oriented, Closed},
	InAnalysis:   {Oriented, Closed},
	Oriented:     {InAnalysis, Closed},
	Closed:       nil,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := transitions[s]; return ok }

// CanMove reports whether a case may go from s to next.
func (s Status) CanMove(next Status) error {
	if !s.Valid() || !next.Valid() {
		return fmt.Errorf("workflow: unknown status")
	}
	for _, t := range transitions[s] {
		if t == next {
			return nil
		}
	}
	return fmt.Errorf("workflow: a case cannot go from %s to %s", s, next)
}
