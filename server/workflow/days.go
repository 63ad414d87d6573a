package workflow

import (
	"fmt"
	"slices"
	"time"
)

// Date is a civil date, with no time of day and no time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("workflow: not a date (want YYYY-MM-DD)")
	}
	return DateOf(t), nil
}

func (d Date) String() string { return d.time().Format(time.DateOnly) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n calendar days.
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// AddMonths returns d moved by n calendar months; a day that does not exist
// in the target month becomes that month's last day (31 January + 1 month is
// 28 or 29 February), as French law counts "de date à date".
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 12, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := min(d.Day, last)
	return Date{first.Year(), first.Month(), day}
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.time().Before(e.time()) }

// DaysUntil returns the number of calendar days from d to e (negative when e
// is before d).
func (d Date) DaysUntil(e Date) int {
	return int(e.time().Sub(d.time()).Round(24*time.Hour) / (24 * time.Hour))
}

// MarshalText implements encoding.TextMarshaler ("YYYY-MM-DD", empty for zero).
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Calendar tells working days from days off.
type Calendar struct {
	// AlsaceMoselle adds Good Friday and 26 December, days off in the
	// Bas-Rhin, Haut-Rhin and Moselle.
	AlsaceMoselle bool
}

// easter returns Easter Sunday of year y (Gregorian calendar).
func easter(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{y, time.Month(month), day}
}

// Holidays returns the public holidays of year y, in date order.
func (c Calendar) Holidays(y int) []Date {
	e := easter(y)
	days := []Date{
		{y, time.January, 1},   // Jour de l'an
		e.AddDays(1),           // Lundi de Pâques
		{y, time.May, 1},       // Fête du travail
		{y, time.May, 8},       // Victoire 1945
		e.AddDays(39),          // Ascension
		e.AddDays(50),          // Lundi de Pentecôte
		{y, time.July, 14},     // Fête nationale
		{y, time.August, 15},   // Assomption
		{y, time.November, 1},  // Toussaint
		{y, time.November, 11}, // Armistice
		{y, time.December, 25}, // Noël
	}
	if c.AlsaceMoselle {
		days = append(days, e.AddDays(-2), Date{y, time.December, 26})
	}
	slices.SortFunc(days, func(a, b Date) int { return a.time().Compare(b.time()) })
	return days
}

// IsWorkingDay reports whether d is a weekday that is not a public holiday.
func (c Calendar) IsWorkingDay(d Date) bool {
	return isWorkingDay(d, c.Holidays(d.Year))
}

func isWorkingDay(d Date, holidays []Date) bool {
	switch d.time().Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !slices.Contains(holidays, d)
}

// AddWorkingDays returns the n-th working day after d (d itself is not
// counted: a report received on a Monday has its 1st working day on Tuesday).
// It computes each year's holidays once, not once per day stepped over.
func (c Calendar) AddWorkingDays(d Date, n int) Date {
	holidays := c.Holidays(d.Year)
	for n > 0 {
		next := d.AddDays(1)
		if next.Year != d.Year {
			holidays = c.Holidays(next.Year)
		}
		d = next
		if isWorkingDay(d, holidays) {
			n--
		}
	}
	return d
}
