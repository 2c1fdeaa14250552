package review

import (
	"slices"
	"strings"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diff"
)

// expiring are c's policy exceptions that expire within window of now (or already
// have: an expired exception no longer applies, D-GATE-03), soonest first, each with
// its owner (approvedBy). An expiry is inclusive: the exception holds through that day.
func expiring(c *config.Contract, now time.Time, window time.Duration) []diff.ExpiringException {
	if c == nil || c.Policy == nil {
		return nil
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var out []diff.ExpiringException
	for _, e := range c.Policy.Exceptions {
		day, err := time.Parse("2006-01-02", e.Expires)
		if err != nil {
			continue // validation refuses it before here
		}
		if day.Sub(today) > window {
			continue
		}
		out = append(out, diff.ExpiringException{Rule: e.Rule, Resources: append([]string{}, e.Resources...), Owner: e.ApprovedBy,
			Expires: e.Expires, DaysLeft: int(day.Sub(today).Hours() / 24)})
	}
	slices.SortStableFunc(out, func(a, b diff.ExpiringException) int {
		if c := strings.Compare(a.Expires, b.Expires); c != 0 {
			return c
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return out
}
