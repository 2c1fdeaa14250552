package hostile_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestSmallDefectsAreReportedPrecisely: a cron that can never fire is refused; a huge
// value in an invalid field is quoted only as a bounded excerpt; a dependsOn cycle
// hidden behind hundreds of transforms is reported once, as one short path.
func TestSmallDefectsAreReportedPrecisely(t *testing.T) {
	productDoors := append(append([]door{}, renderDoors...), doorPostRender)
	schedule := func(cron, tz string) func(s *sandbox, r *repo) via {
		return func(s *sandbox, r *repo) via {
			r.appendTo(productFile, fmt.Sprintf("schedule:\n  cron: %q\n  timezone: %q\n  enabled: true\n", cron, tz))
			return via{product: true}
		}
	}
	huge := strings.Repeat("Europe/Nowhere", 1<<16) // ~900 KiB, under the file size limit
	cycleLine := func(t *testing.T, _ *sandbox, _ *repo, res result) {
		t.Helper()
		var lines []string
		for _, l := range strings.Split(string(res.stderr), "\n") {
			if strings.Contains(l, "cyc_a") || strings.Contains(l, "cyc_b") || strings.Contains(l, "cyc_c") {
				lines = append(lines, l)
			}
		}
		if len(lines) != 1 {
			t.Errorf("want the cycle reported once, got %d line(s): %s", len(lines), excerpt(res.stderr))
			return
		}
		rotations := []string{"cyc_a -> cyc_b -> cyc_c -> cyc_a", "cyc_b -> cyc_c -> cyc_a -> cyc_b", "cyc_c -> cyc_a -> cyc_b -> cyc_c"}
		if len(missing([]byte(lines[0]), []string{strings.Join(rotations, "|")})) > 0 {
			t.Errorf("the cycle is not reported as its path: %q", lines[0])
		}
		if len(lines[0]) > 300 {
			t.Errorf("the cycle's line is %d bytes long, want a short path", len(lines[0]))
		}
	}
	cases := []hostileCase{
		{name: "cron-february-31", doors: productDoors, setup: schedule("0 0 31 2 *", "UTC"),
			wants: []string{productFile, "schedule.cron"}},
		{name: "cron-april-31", doors: productDoors, setup: schedule("0 0 31 4 *", "UTC"),
			wants: []string{productFile, "schedule.cron"}},
		{name: "huge-timezone-quoted-as-excerpt", doors: productDoors, setup: schedule("0 3 * * *", huge),
			wants: []string{productFile, "schedule.timezone"}, check: assertStderrBounded(4 << 10)},
		{name: "huge-contract-enum-quoted-as-excerpt", doors: allDoors, setup: func(s *sandbox, r *repo) via {
			r.replace(contractFile, "imageTagPolicy: git-sha", "imageTagPolicy: "+strings.Repeat("git-sha-", 1<<17))
			return via{}
		}, wants: []string{contractFile, "runtime.imageTagPolicy"}, check: assertStderrBounded(4 << 10)},
		{name: "huge-product-name-quoted-as-excerpt", doors: productDoors, setup: func(s *sandbox, r *repo) via {
			r.replace(productFile, "name: customer-360", "name: "+strings.Repeat("customer-", 1<<17))
			return via{product: true}
		}, wants: []string{productFile, "metadata.name"}, check: assertStderrBounded(4 << 10)},
		{name: "depends-on-cycle-behind-many-transforms", doors: productDoors, setup: func(s *sandbox, r *repo) via {
			var b strings.Builder
			b.WriteString("  - name: cyc_a\n    dependsOn: [cyc_b]\n  - name: cyc_b\n    dependsOn: [cyc_c]\n  - name: cyc_c\n    dependsOn: [cyc_a]\n")
			for i := range 400 {
				fmt.Fprintf(&b, "  - name: fan_%03d\n    dependsOn: [cyc_a, cyc_b, cyc_c]\n", i)
			}
			r.replace(productFile, "transforms:\n", "transforms:\n"+b.String())
			return via{product: true}
		}, wants: []string{productFile, "dependsOn"}, check: both(cycleLine, assertStderrBounded(4<<10))},
	}
	runRefused(t, cases)
}
