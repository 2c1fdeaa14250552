package config

import (
	"fmt"
	"strconv"
	"strings"
)

var cronFields = [5]struct {
	name   string
	lo, hi int
}{
	{"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 6},
}

// CheckCron applies P-05: exactly five whitespace-separated numeric fields, each a
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
			return fmt.Errorf("%s field %q: %v", cronFields[i].name, f, err)
		}
	}
	return nil
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
