package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/floe-dev/floe/diag"
)

var cronFields = [5]struct {
	name   string
	lo, hi int
}{
	{"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 6},
}

// CheckCron applies D-IN-05: exactly five whitespace-separated numeric fields, each a
// comma-separated list of `*`, `N`, `A-B`, optionally followed by `/STEP`; minute 0–59,
// hour 0–23, day 1–31, month 1–12, weekday 0–6. No names, no macros, no seconds.
func CheckCron(expr string) error {
	if strings.HasPrefix(strings.TrimSpace(expr), "@") {
		return fmt.Errorf("macros such as @daily are not supported; write five numeric fields")
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	}
	for i, f := range fields {
		if err := cronField(f, cronFields[i].lo, cronFields[i].hi); err != nil {
			return fmt.Errorf("%s field %q: %v", cronFields[i].name, diag.Excerpt(f), err)
		}
	}
	return cronFires(fields)
}

// daysIn is the most days each month can have (February: 29, in leap years).
var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// cronFires refuses a schedule that can never fire: its days of the month occur in
// none of its months (0 0 30 2 *, 0 0 31 4,6,9,11 *). When both day fields are
// restricted a run happens on either, so only a day-of-week field starting with "*"
// (Kubernetes' cron, like Vixie cron, then requires both days to match) makes the
// day of the month decisive.
func cronFires(fields []string) error {
	if !strings.HasPrefix(fields[4], "*") || strings.HasPrefix(fields[2], "*") {
		return nil
	}
	days, months := cronValues(fields[2], 1, 31), cronValues(fields[3], 1, 12)
	for m := 1; m <= 12; m++ {
		if !months[m] {
			continue
		}
		for d := 1; d <= daysIn[m]; d++ {
			if days[d] {
				return nil
			}
		}
	}
	return fmt.Errorf("never fires: no month of %q has a day of %q", diag.Excerpt(fields[3]), diag.Excerpt(fields[2]))
}

// cronValues expands a field cronField accepted into the set of values it matches.
func cronValues(f string, lo, hi int) []bool {
	set := make([]bool, hi+1)
	for _, part := range strings.Split(f, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			step, _ = cronNum(stepText)
		}
		a, b := lo, hi
		if rng != "*" {
			x, y, isRange := strings.Cut(rng, "-")
			a, _ = cronNum(x)
			b = a
			if isRange {
				b, _ = cronNum(y)
			} else if hasStep {
				b = hi // N/STEP runs from N to the end of the range
			}
		}
		for v := a; v <= b && v <= hi; v += max(step, 1) {
			set[v] = true
		}
	}
	return set
}

func cronField(f string, lo, hi int) error {
	for _, part := range strings.Split(f, ",") {
		if part == "" {
			return fmt.Errorf("empty list item")
		}
		rng, step, hasStep := strings.Cut(part, "/")
		if hasStep {
			n, err := cronNum(step)
			if err != nil {
				return fmt.Errorf("step %q: %v", step, err)
			}
			if n < 1 || n > hi-lo+1 {
				return fmt.Errorf("step %d out of range 1-%d", n, hi-lo+1)
			}
		}
		if rng == "*" {
			continue
		}
		a, b, isRange := strings.Cut(rng, "-")
		x, err := cronNum(a)
		if err != nil {
			return err
		}
		y := x
		if isRange {
			if y, err = cronNum(b); err != nil {
				return err
			}
		}
		if x < lo || x > hi || y < lo || y > hi {
			return fmt.Errorf("value out of range %d-%d", lo, hi)
		}
		if y < x {
			return fmt.Errorf("range %d-%d runs backwards", x, y)
		}
	}
	return nil
}

func cronNum(s string) (int, error) {
	if s == "" || len(s) > 4 {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			if r >= 'A' && r <= 'z' {
				return 0, fmt.Errorf("%q: names (MON, JAN) are not supported; use numbers", s)
			}
			return 0, fmt.Errorf("%q is not a number", s)
		}
	}
	return strconv.Atoi(s)
}
