package policies

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/floe-dev/floe/config"
)

// Bounds on the platform policy bundles a contract lists. floe's own policies are
// about 40 KiB and 4,700 terms, nest 25 levels deep and have rules of at most 142
// terms; the bounds leave bundles several times that, and keep their compile (whose
// cost grows with the square of a rule body's length) within about a second.
const (
	maxBundleFiles     = 128       // .rego files across all of a contract's bundles
	maxBundleFileBytes = 256 << 10 // one file
	maxBundleBytes     = 1 << 20   // all files together
	maxRuleTerms       = 1000      // terms of one rule
	maxBundleTerms     = 50_000    // terms of all bundle rules together
	maxNesting         = 64        // AST nesting inside one rule
	maxRefusedReported = 10        // refused builtin calls reported per file
)

// ContractBundles reads the *.rego files (tests excepted) of the contract's
// policy.bundles, root-relative directories, through root: only the files directly in
// each directory (never a subdirectory), never anything under .git (as written or
// through a symlink), at most maxBundleFiles files of maxBundleFileBytes each and
// maxBundleBytes in all.
func ContractBundles(root config.Root, c *config.Contract) ([]Module, error) {
	if c == nil || c.Policy == nil {
		return nil, nil
	}
	var out []Module
	total := 0
	for i, dir := range c.Policy.Bundles {
		where := fmt.Sprintf("policy.bundles[%d]", i)
		if c.Source != nil {
			if line, _ := c.Source.Pos(where); line > 0 {
				where = fmt.Sprintf("%s:%d: %s", c.Source.Path, line, where)
			} else {
				where = c.Source.Path + ": " + where
			}
		}
		clean, err := config.CleanRel(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", where, dir, err)
		}
		if config.InGitDir(clean) {
			return nil, fmt.Errorf("%s: %s: floe never reads .git", where, clean)
		}
		names, err := root.ReadDir(clean)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		n := 0
		for _, name := range names {
			if !strings.HasSuffix(name, ".rego") || isTest(name) {
				continue
			}
			if len(out) == maxBundleFiles {
				return nil, fmt.Errorf("%s: %s: more than %d .rego files in the contract's policy bundles", where, clean, maxBundleFiles)
			}
			p := path.Join(clean, name)
			src, err := root.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if len(src) > maxBundleFileBytes {
				return nil, fmt.Errorf("%s: %s: %d bytes, more than the %d KiB a policy file may have", where, p, len(src), maxBundleFileBytes>>10)
			}
			if total += len(src); total > maxBundleBytes {
				return nil, fmt.Errorf("%s: %s: the contract's policy bundles exceed %d MiB", where, p, maxBundleBytes>>20)
			}
			out = append(out, Module{Path: p, Source: src})
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: %s holds no .rego policy", where, clean)
		}
	}
	return out, nil
}

// parseOptions parse every module as rego v1 with Capabilities (whose keywords and
// features the parser reads; sharing one set spares building it per module).
func parseOptions() ast.ParserOptions {
	return ast.ParserOptions{RegoVersion: ast.RegoV1, Capabilities: Capabilities()}
}

// parseBundle parses one bundle module and checks it before any compile: its size, its
// rules' size and nesting, and that it calls only builtins in Capabilities. terms is
// the number of terms of its rules.
func parseBundle(m Module) (mod *ast.Module, terms int, err error) {
	if len(m.Source) > maxBundleFileBytes {
		return nil, 0, fmt.Errorf("%s: %d bytes, more than the %d KiB a policy file may have", m.Path, len(m.Source), maxBundleFileBytes>>10)
	}
	mod, err = ast.ParseModuleWithOpts(m.Path, string(m.Source), parseOptions())
	if err != nil {
		return nil, 0, fmt.Errorf("policy %w", err)
	}
	terms, err = inspect(m.Path, mod)
	return mod, terms, err
}

// inspect walks a parsed bundle module: rules of at most maxRuleTerms terms nested at
// most maxNesting deep, and no call of (or `with` on) a builtin Capabilities refuses.
// The compiler would refuse such a call too, as an undefined function; inspect names
// it, with its file, line and column, before the compile spends any time.
func inspect(file string, mod *ast.Module) (int, error) {
	var errs []error
	refused := 0
	calls := func(op *ast.Term) {
		ref, ok := op.Value.(ast.Ref)
		if !ok {
			return
		}
		why := refusedBuiltins()[ref.String()]
		if why == "" {
			return
		}
		if refused++; refused <= maxRefusedReported {
			errs = append(errs, fmt.Errorf("%s: builtin %s is not allowed: %s", at(file, op.Location), ref, why))
		}
	}
	total := 0
	for _, rule := range mod.Rules {
		depth, deepest, terms := 0, 0, 0
		var walker *ast.BeforeAfterVisitor
		walker = ast.NewBeforeAfterVisitor(func(x any) bool {
			if _, ok := x.(*ast.Term); ok {
				terms++
			}
			if depth++; depth > deepest {
				deepest = depth
			}
			if depth > maxNesting || terms > maxRuleTerms {
				return true // reported below; no deeper
			}
			switch x := x.(type) {
			case *ast.Expr:
				if terms, ok := x.Terms.([]*ast.Term); ok && len(terms) > 0 {
					calls(terms[0])
				}
				for _, w := range x.With {
					calls(w.Target)
				}
			case ast.Call:
				if len(x) > 0 {
					calls(x[0])
				}
			case *ast.TemplateString: // the visitor does not enter template strings
				for _, p := range x.Parts {
					walker.Walk(p)
				}
			}
			return false
		}, func(any) { depth-- })
		walker.Walk(rule)
		where := at(file, rule.Location)
		switch {
		case deepest > maxNesting:
			errs = append(errs, fmt.Errorf("%s: rule nests deeper than %d levels", where, maxNesting))
		case terms > maxRuleTerms:
			errs = append(errs, fmt.Errorf("%s: rule has more than %d terms; split it", where, maxRuleTerms))
		}
		total += terms
	}
	if refused > maxRefusedReported {
		errs = append(errs, fmt.Errorf("%s: %d more calls of builtins that are not allowed", file, refused-maxRefusedReported))
	}
	return total, errors.Join(errs...)
}

// at is file:line:col of loc (file alone without a location).
func at(file string, loc *ast.Location) string {
	if loc == nil {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, loc.Row, loc.Col)
}
