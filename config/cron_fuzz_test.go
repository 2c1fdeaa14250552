package config

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzCheckCron: CheckCron never panics, and a schedule it accepts fires on some day
// of a leap year, as a plain day-by-day walk of the calendar (written independently
// of cron.go) finds.
func FuzzCheckCron(f *testing.F) {
	for _, s := range []string{"0 0 30 2 *", "0 0 31 4,6,9,11 *", "*/10 * * * *", "0 0 29 2 *", "0 0 1-31/7 2 1", "0 0 5/10 2 *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if CheckCron(expr) != nil {
			return
		}
		fields := strings.Fields(expr)
		domStar, dowStar := strings.HasPrefix(fields[2], "*"), strings.HasPrefix(fields[4], "*")
		for d := time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 2028; d = d.AddDate(0, 0, 1) {
			dom, dow := inField(fields[2], d.Day(), 1, 31), inField(fields[4], int(d.Weekday()), 0, 6)
			day := dom && dow
			if !domStar && !dowStar {
				day = dom || dow
			}
			if day && inField(fields[3], int(d.Month()), 1, 12) {
				return
			}
		}
		t.Fatalf("CheckCron accepted %q, which never fires", expr)
	})
}

// inField reports whether v matches a numeric cron field.
func inField(field string, v, lo, hi int) bool {
	for _, item := range strings.Split(field, ",") {
		rng, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			step, _ = strconv.Atoi(stepText)
		}
		from, to := lo, hi
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			from, _ = strconv.Atoi(a)
			to = from
			if isRange {
				to, _ = strconv.Atoi(b)
			} else if hasStep {
				to = hi
			}
		}
		if v >= from && v <= to && (v-from)%step == 0 {
			return true
		}
	}
	return false
}
