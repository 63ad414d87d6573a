package workflow

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestEaster(t *testing.T) {
	// Published dates of Easter Sunday.
	want := map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25", 2285: "2285-03-22"}
	for y, s := range want {
		if got := easter(y); got != date(s) {
			t.Errorf("Easter %d = %s, want %s", y, got, s)
		}
	}
}

func TestHolidays2026(t *testing.T) {
	var got []string
	for _, d := range (Calendar{}).Holidays(2026) {
		got = append(got, d.String())
	}
	want := []string{"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25",
		"2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"}
	if !slices.Equal(got, want) {
		t.Errorf("holidays 2026:\n got %v\nwant %v", got, want)
	}
	am := (Calendar{AlsaceMoselle: true}).Holidays(2026)
	if len(am) != 13 || !slices.Contains(am, date("2026-04-03")) || !slices.Contains(am, date("2026-12-26")) {
		t.Errorf("Alsace-Moselle holidays 2026: %v", am)
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		cal  Calendar
		from string
		n    int
		want string
	}{
		{Calendar{}, "2026-11-23", 7, "2026-12-02"},                    // Monday, no holiday
		{Calendar{}, "2026-04-30", 7, "2026-05-13"},                    // over 1 May and 8 May
		{Calendar{}, "2026-12-18", 7, "2026-12-30"},                    // over Christmas
		{Calendar{}, "2025-12-19", 7, "2025-12-31"},                    // 26 December 2025 is a Friday: a working day in most of France
		{Calendar{AlsaceMoselle: true}, "2025-12-19", 7, "2026-01-02"}, // but not in Alsace-Moselle
		{Calendar{}, "2026-11-06", 7, "2026-11-18"},                    // over 11 November
		{Calendar{}, "2026-11-21", 1, "2026-11-23"},                    // a Saturday report: first working day is Monday
		{Calendar{}, "2026-05-12", 20, "2026-06-11"},                   // meeting delay over Ascension and Whit Monday
		{Calendar{AlsaceMoselle: true}, "2026-04-02", 1, "2026-04-07"}, // Good Friday, Easter Monday
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.from, "+", tc.n, tc.cal.AlsaceMoselle), func(t *testing.T) {
			if got := tc.cal.AddWorkingDays(date(tc.from), tc.n); got != date(tc.want) {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct{ from, want string }{
		{"2026-11-30", "2027-02-28"},
		{"2027-11-30", "2028-02-29"},
		{"2026-01-15", "2026-04-15"},
		{"2026-10-31", "2027-01-31"},
	}
	for _, tc := range tests {
		if got := date(tc.from).AddMonths(3); got != date(tc.want) {
			t.Errorf("%s + 3 months = %s, want %s", tc.from, got, tc.want)
		}
	}
}

func TestDeadlinesAndOverdue(t *testing.T) {
	cal := Calendar{}
	c := Case{Status: Received, Received: date("2026-04-30")}
	d := cal.Deadlines(c)
	if d.AckDue != date("2026-05-13") || d.FeedbackDue != date("2026-08-13") || d.TargetInformedDue != date("2026-05-30") || !d.MeetingDue.IsZero() {
		t.Errorf("deadlines of an unacknowledged case: %+v", d)
	}
	if late := cal.Overdue(c, date("2026-05-13")); len(late) != 0 {
		t.Errorf("on the due day nothing is late yet, got %v", late)
	}
	if late := cal.Overdue(c, date("2026-05-14")); !slices.Equal(late, []string{"ack"}) {
		t.Errorf("the day after: %v", late)
	}

	// An early acknowledgement moves the feedback deadline earlier.
	c.Status, c.Acknowledged = Acknowledged, date("2026-05-04")
	if got := cal.Deadlines(c).FeedbackDue; got != date("2026-08-04") {
		t.Errorf("feedback due after acknowledgement: %s", got)
	}
	c.MeetingRequested = date("2026-05-12")
	if got := cal.Deadlines(c).MeetingDue; got != date("2026-06-11") {
		t.Errorf("meeting due: %s", got)
	}
	if late := cal.Overdue(c, date("2026-08-05")); !slices.Equal(late, []string{"feedback", "meeting"}) {
		t.Errorf("late on 5 August: %v", late)
	}
	c.FeedbackGiven, c.MeetingHeld = date("2026-06-01"), date("2026-06-01")
	if late := cal.Overdue(c, date("2026-12-01")); len(late) != 0 {
		t.Errorf("nothing owed, got %v", late)
	}
	c.Status, c.FeedbackGiven, c.MeetingHeld = Closed, Date{}, Date{}
	if late := cal.Overdue(c, date("2027-12-01")); late != nil {
		t.Errorf("a closed case is never late, got %v", late)
	}
}

func TestTransitions(t *testing.T) {
	tests := []struct {
		from, to Status
		ok       bool
	}{
		{Received, Acknowledged, true},
		{Received, InAnalysis, false},
		{Acknowledged, InAnalysis, true},
		{InAnalysis, Oriented, true},
		{Oriented, InAnalysis, true},
		{Oriented, Closed, true},
		{Received, Closed, true},
		{Closed, Received, false},
		{Closed, InAnalysis, false},
		{"deleted", Closed, false},
	}
	for _, tc := range tests {
		if err := tc.from.CanMove(tc.to); (err == nil) != tc.ok {
			t.Errorf("%s → %s: %v", tc.from, tc.to, err)
		}
	}
}

func TestDateJSON(t *testing.T) {
	b, _ := json.Marshal(Deadlines{AckDue: date("2026-12-02")})
	if string(b) != `{"ack_due":"2026-12-02","feedback_due":"","target_informed_due":""}` {
		t.Errorf("JSON: %s", b)
	}
	var d Deadlines
	if err := json.Unmarshal(b, &d); err != nil || d.AckDue != date("2026-12-02") {
		t.Errorf("round trip: %+v %v", d, err)
	}
	if err := json.Unmarshal([]byte(`{"ack_due":"02/12/2026"}`), &d); err == nil {
		t.Error("a French-format date was accepted as ISO")
	}
	if got := date("2026-11-23").DaysUntil(date("2026-12-02")); got != 9 {
		t.Errorf("DaysUntil = %d", got)
	}
	if DateOf(time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)) != date("2026-03-29") {
		t.Error("DateOf")
	}
}

func ExampleCalendar_Deadlines() {
	cal := Calendar{}
	received, _ := ParseDate("2026-12-18")
	d := cal.Deadlines(Case{Status: Received, Received: received})
	fmt.Println("accusé de réception avant le", d.AckDue)
	fmt.Println("retour d'information avant le", d.FeedbackDue)
	// Output:
	// accusé de réception avant le 2026-12-30
	// retour d'information avant le 2027-03-30
}
