package diff

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// wellFormed checks what a markdown renderer needs to show a part as written: every code
// fence closed by a fence of the same character at least as long, and outside fences
// every <details> and <summary> closed, in order, with nothing left open at the end.
func wellFormed(s string) error {
	fenceRE := regexp.MustCompile("^(`{3,}|~{3,})(.*)$")
	var fence string
	var stack []string
	for i, line := range strings.Split(s, "\n") {
		if fence != "" {
			if m := fenceRE.FindStringSubmatch(line); m != nil && m[1][0] == fence[0] && len(m[1]) >= len(fence) && strings.TrimSpace(m[2]) == "" {
				fence = ""
			}
			continue
		}
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			fence = m[1]
			continue
		}
		for _, tag := range regexp.MustCompile(`</?(details|summary)>`).FindAllString(stripCodeSpans(line), -1) {
			name := strings.Trim(tag, "</>")
			if !strings.HasPrefix(tag, "</") {
				stack = append(stack, name)
				continue
			}
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return fmt.Errorf("line %d: %s closes nothing open (open: %v)", i+1, tag, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if fence != "" {
		return fmt.Errorf("a %s fence is left open", fence)
	}
	if len(stack) > 0 {
		return fmt.Errorf("left open: %v", stack)
	}
	return nil
}

// stripCodeSpans removes a line's inline code spans (a backtick run up to the next run
// of the same length, as CommonMark reads them): what is inside is text, never HTML.
func stripCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		end := -1
		for j := i + n; j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(line) && line[j+m] == '`' {
				m++
			}
			if m == n {
				end = j + m
				break
			}
			j += m
		}
		if end < 0 { // no closing run: the backticks are text
			b.WriteString(line[i : i+n])
			i += n
			continue
		}
		i = end
	}
	return b.String()
}

// bigReport is n changed products, each with objects fields lines of diff.
func bigReport(n, fields int) *Report {
	r := &Report{Dir: "products", Base: "main (commit 0123456789ab)", Head: "work tree", ExpiryWindowDays: 30}
	for i := range n {
		res := &Result{Summary: Summary{Changed: 1, Unchanged: 3}}
		o := ObjectDiff{Kind: "Deployment", Namespace: "floe-dev", Name: fmt.Sprintf("p%03d", i), APIVersion: "apps/v1", Change: Changed}
		for j := range fields {
			o.Fields = append(o.Fields, Field{Path: fmt.Sprintf("metadata.annotations[\"x/%d\"]", j), Change: Changed,
				Old: &Value{V: "``` </details> <details> " + strings.Repeat("a", 40)}, New: &Value{V: fmt.Sprintf("b%d", j)}})
		}
		res.Objects = []ObjectDiff{o}
		v := &Verdict{Level: "warn", Warn: 1}
		r.Products = append(r.Products, ProductReport{Path: fmt.Sprintf("products/p%03d", i), Runtime: "dagster", Change: Changed,
			Cause: "platform/contract.yaml", Highlights: []string{"image"}, Diff: res,
			Policy: PolicyDelta{Before: v, After: v, Added: []PolicyFinding{{Rule: "POL-SEC-05", Severity: "warn", Resource: "Deployment/x",
				Message: "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 in env"}}}})
	}
	r.Summary = ReportSummary{Products: n, Differ: n, Changed: n}
	r.Expiring = []ExpiringException{{Rule: "POL-SEC-05", Resources: []string{"Deployment/p0*"}, Owner: "security@example.com", Expires: "2027-01-10", DaysLeft: 21}}
	return r
}

// TestReportMarkdownBudget is must-show 3: a change touching 500 products gives one
// comment within the budget and well-formed (with a note of what it left out), and,
// split, parts that are each within the budget and well-formed and together hold every
// product's whole section. Backticks and HTML in values stay inside their fence; a
// token-shaped value is never printed.
func TestReportMarkdownBudget(t *testing.T) {
	for _, tc := range []struct {
		name          string
		products, fld int
		budget        int
	}{
		{"500 products, default budget", 500, 6, DefaultMaxCommentChars},
		{"500 products, small budget", 500, 6, MinCommentChars},
		{"one huge product", 1, 5000, DefaultMaxCommentChars},
		{"3 products fit", 3, 2, DefaultMaxCommentChars},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bigReport(tc.products, tc.fld)
			one, err := ReportMarkdown(r, tc.budget, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(one) != 1 || len(one[0]) > tc.budget {
				t.Fatalf("single comment: %d parts, %d bytes > %d", len(one), len(one[0]), tc.budget)
			}
			if err := wellFormed(one[0]); err != nil {
				t.Fatalf("single comment: %v", err)
			}
			if !strings.HasPrefix(one[0], CommentMarker+"\n") {
				t.Error("the single comment does not start with the marker")
			}
			whole := len(productBlock(r.Products[0], -1))*tc.products < tc.budget-2000
			if left := strings.Contains(one[0], "_Left out to stay within") || strings.Contains(one[0], "more lines left out to fit the comment"); left == whole {
				t.Errorf("note of what was left out: %v, want %v", left, !whole)
			}

			parts, err := ReportMarkdown(r, tc.budget, true)
			if err != nil {
				t.Fatal(err)
			}
			all := ""
			for i, p := range parts {
				if len(p) > tc.budget {
					t.Errorf("part %d: %d bytes > %d", i+1, len(p), tc.budget)
				}
				if err := wellFormed(p); err != nil {
					t.Errorf("part %d: %v", i+1, err)
				}
				if !strings.HasPrefix(p, map[bool]string{true: CommentMarker + "\n", false: ""}[i == 0]+fmt.Sprintf("<!-- floe-diff part %d -->\n### floe diff (part %d of %d)\n", i+1, i+1, len(parts))) {
					t.Errorf("part %d header: %q", i+1, p[:min(len(p), 80)])
				}
				all += p
			}
			if strings.Contains(all, "_Left out") {
				t.Error("a split report left something out")
			}
			for _, pr := range r.Products {
				block := productBlock(pr, -1)
				if len(block) <= tc.budget-headerReserve && !strings.Contains(all, block) {
					t.Errorf("%s: its whole section is in no part", pr.Path)
				}
				if !strings.Contains(all, "| `"+pr.Path+"` |") {
					t.Errorf("%s: no table row", pr.Path)
				}
			}
			if strings.Contains(all, "ghp_abcdef") || strings.Contains(one[0], "ghp_abcdef") {
				t.Error("a token was printed")
			}
			if tc.products == 500 && tc.budget == DefaultMaxCommentChars && len(parts) < 2 {
				t.Errorf("500 products in %d part(s)", len(parts))
			}
		})
	}
	if _, err := ReportMarkdown(bigReport(1, 1), MinCommentChars-1, false); err == nil {
		t.Error("a budget under the minimum was accepted")
	}
}

// TestWellFormedCatches: the checker itself fails on what it must catch.
func TestWellFormedCatches(t *testing.T) {
	for _, bad := range []string{
		"<details>\n<summary>x</summary>\n",
		"```diff\nx\n",
		"<details>\n````\n</details>\n```\n",
		"</details>\n",
		"`x` </details> `y`\n",
	} {
		if wellFormed(bad) == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if err := wellFormed("<details>\n<summary>x</summary>\n\n````diff\n```\n</details>\n````\n\n| `</details>` |\n</details>\n"); err != nil {
		t.Error(err)
	}
}

// FuzzReportMarkdown: whatever a product's path, runtime, values and finding messages
// hold (fences, HTML, newlines, invalid UTF-8), and whatever the budget, every comment
// is within the budget and well-formed, split or not.
func FuzzReportMarkdown(f *testing.F) {
	f.Add("products/a", "dagster", "````\n</details>", "<summary>", 4096, 3)
	f.Add("p\n```\n</details>", "x\ny", "\xff\xfe", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", 5000, 40)
	f.Fuzz(func(t *testing.T, path, runtime, value, message string, budget, n int) {
		budget = MinCommentChars + abs(budget)%(1<<16)
		n = 1 + abs(n)%60
		r := bigReport(n, 3)
		for i := range r.Products {
			p := &r.Products[i]
			p.Path, p.Runtime = path+fmt.Sprint(i), runtime
			p.Policy.Added[0].Message = message
			p.Diff.Objects[0].Fields[0].New = &Value{V: value}
		}
		for _, split := range []bool{false, true} {
			parts, err := ReportMarkdown(r, budget, split)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range parts {
				if len(p) > budget {
					t.Fatalf("split %v part %d: %d bytes > %d", split, i+1, len(p), budget)
				}
				if err := wellFormed(p); err != nil {
					t.Fatalf("split %v part %d: %v\n%s", split, i+1, err, p)
				}
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // the most negative int
			return 0
		}
		return -n
	}
	return n
}
