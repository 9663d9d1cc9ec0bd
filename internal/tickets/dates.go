package tickets

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// layouts are the date and time formats read as they are (zones kept,
// else UTC).
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04 -0700",
	"2006-01-02 15:04",
	"2006-01-02",
	// Jira Service Management.
	"02/Jan/06 3:04 PM",
	"02/Jan/06 15:04",
	"02/Jan/2006 3:04 PM",
	"02/Jan/2006 15:04",
	"02/Jan/06",
	// Written out.
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"2 Jan 2006",
	"2 January 2006",
	"Jan 2, 2006 3:04 PM",
	"Jan 2, 2006 15:04",
	"Jan 2, 2006",
	"January 2, 2006",
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 MST 2006",
	// Dotted numeric dates are day-first wherever they are used.
	"2.1.2006 15:04:05",
	"2.1.2006 15:04",
	"2.1.2006",
}

// slashDate is a numeric date with slashes or dashes, day or month first,
// and an optional time.
var slashDate = regexp.MustCompile(`^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$`)

// parseTime reads a date in any of the accepted forms (see the package doc).
func parseTime(s, order string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	m := slashDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%q is not a date kb reads (want 2026-11-17 10:30, or see docs/feedback.md)", s)
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	year, _ := strconv.Atoi(m[3])
	if len(m[3]) == 2 {
		year += 2000
	}
	day, month := a, b
	if order == "month-first" {
		day, month = b, a
	}
	hour, min, sec := 0, 0, 0
	if m[4] != "" {
		hour, _ = strconv.Atoi(m[4])
		min, _ = strconv.Atoi(m[5])
		if m[6] != "" {
			sec, _ = strconv.Atoi(m[6])
		}
		switch strings.ToLower(m[7]) {
		case "pm":
			if hour < 12 {
				hour += 12
			}
		case "am":
			if hour == 12 {
				hour = 0
			}
		}
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("%q is not a valid date (read %s)", s, orderName(order))
	}
	return t, nil
}

func orderName(order string) string {
	if order == "month-first" {
		return "month first"
	}
	return "day first"
}

// dateOrder settles how numeric dates with slashes are read: the
// configured order, else the one the values show. Without such dates it
// does not matter.
func dateOrder(configured string, values []string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	var dayFirst, monthFirst, ambiguous string
	for _, v := range values {
		v = strings.Join(strings.Fields(v), " ")
		m := slashDate.FindStringSubmatch(v)
		if m == nil {
			continue
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		switch {
		case a > 12 && dayFirst == "":
			dayFirst = v
		case b > 12 && monthFirst == "":
			monthFirst = v
		case a <= 12 && b <= 12 && ambiguous == "":
			ambiguous = v
		}
	}
	switch {
	case dayFirst != "" && monthFirst != "":
		return "", fmt.Errorf("the export mixes day-first dates (%s) and month-first dates (%s); export them in one form", dayFirst, monthFirst)
	case dayFirst != "":
		return "day-first", nil
	case monthFirst != "":
		return "month-first", nil
	case ambiguous != "":
		return "", fmt.Errorf("dates like %s could be day-first or month-first and none in the file tells; set report.tickets.date_order in site.yaml (day-first or month-first)", ambiguous)
	}
	return "day-first", nil
}
