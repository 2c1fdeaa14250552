package policies

import (
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// fmtMaxNum is the largest width or precision Go's fmt honours (fmt's tooLarge): a
// larger one is printed as %!(BADWIDTH) or %!(BADPREC) instead of padding.
const fmtMaxNum = 1_000_000

// sprintfSize is an upper bound of the bytes OPA's sprintf(format, args) writes. It
// reads format as Go's fmt does (flags, [n] argument indexes, widths and precisions
// written or taken from an argument with *), and adds for each verb its padding, its
// precision and what its argument can take once formatted: at most five bytes per byte
// of the argument's text (`% #x` of a string), more for numbers written in binary. Past
// budget it stops and returns a count past it (D-SEC-07).
func sprintfSize(format string, args []*ast.Term, budget int) int {
	f := fmtScan{format: format, args: args, budget: budget, cost: make([]int, len(args))}
	return f.size()
}

type fmtScan struct {
	format string
	args   []*ast.Term
	budget int
	cost   []int // each argument's formatted cost, once worked out (0: not yet)

	argNum     int
	goodArgNum bool
	reordered  bool
}

func (f *fmtScan) size() int {
	format, end := f.format, len(f.format)
	n := 0
	afterIndex := false
	for i := 0; i < end; {
		if n > f.budget {
			return n
		}
		f.goodArgNum = true
		if format[i] != '%' {
			n++
			i++
			continue
		}
		i++
		for i < end && (format[i] == '#' || format[i] == '0' || format[i] == '+' || format[i] == '-' || format[i] == ' ') {
			i++
		}
		i, afterIndex = f.argNumber(i)
		var width, prec int
		if i < end && format[i] == '*' {
			i++
			width = f.intArg()
			afterIndex = false
		} else {
			var ok bool
			width, ok, i = parseNum(format, i, end)
			if afterIndex && ok {
				f.goodArgNum = false
			}
		}
		if i+1 < end && format[i] == '.' {
			i++
			if afterIndex {
				f.goodArgNum = false
			}
			i, afterIndex = f.argNumber(i)
			if i < end && format[i] == '*' {
				i++
				prec = f.intArg()
				afterIndex = false
			} else {
				prec, _, i = parseNum(format, i, end)
			}
		}
		if !afterIndex {
			i, afterIndex = f.argNumber(i)
		}
		n += 64 + width + prec // the padding, the precision, and fmt's %!v(BADWIDTH) and the like
		if i >= end {
			break
		}
		verb, size := rune(format[i]), 1
		if verb >= utf8.RuneSelf {
			verb, size = utf8.DecodeRuneInString(format[i:])
		}
		i += size
		switch {
		case verb == '%' || !f.goodArgNum:
		case f.argNum >= len(f.args): // %!d(MISSING)
		default:
			n += f.argCost(f.argNum)
			f.argNum++
		}
	}
	if !f.reordered {
		for k := f.argNum; k < len(f.args) && n <= f.budget; k++ {
			n += 16 + f.argCost(k) // %!(EXTRA type=value)
		}
	}
	return n
}

// argNumber reads an argument index [n] at i, as fmt's argNumber does.
func (f *fmtScan) argNumber(i int) (int, bool) {
	if len(f.format) <= i || f.format[i] != '[' {
		return i, false
	}
	f.reordered = true
	index, wid, ok := parseArgNumber(f.format[i:])
	if ok && 0 <= index && index < len(f.args) {
		f.argNum = index
		return i + wid, true
	}
	f.goodArgNum = false
	return i + wid, ok
}

// parseArgNumber is fmt's: the index (from 0) of "[n]" at the start of format, and the
// bytes it takes.
func parseArgNumber(format string) (index, wid int, ok bool) {
	if len(format) < 3 {
		return 0, 1, false
	}
	for i := 1; i < len(format); i++ {
		if format[i] == ']' {
			width, ok, newi := parseNum(format, 1, i)
			if !ok || newi != i {
				return 0, i + 1, false
			}
			return width - 1, i + 1, true
		}
	}
	return 0, 1, false
}

// parseNum is fmt's parsenum: the decimal number at s[start:end], which fmt refuses
// past fmtMaxNum.
func parseNum(s string, start, end int) (num int, isNum bool, newi int) {
	if start >= end {
		return 0, false, end
	}
	for newi = start; newi < end && '0' <= s[newi] && s[newi] <= '9'; newi++ {
		if num > fmtMaxNum {
			return 0, false, end
		}
		num = num*10 + int(s[newi]-'0')
		isNum = true
	}
	return num, isNum, newi
}

// intArg is the width or precision a * takes from the next argument (at most
// fmtMaxNum, as fmt honours no more).
func (f *fmtScan) intArg() int {
	if f.argNum >= len(f.args) {
		return 0
	}
	num := 0
	if n, ok := f.args[f.argNum].Value.(ast.Number); ok {
		if i, ok := n.Int64(); ok {
			num = fmtMaxNum                      // fmt ignores a width it cannot honour; counting the most is safe
			if i > -fmtMaxNum && i < fmtMaxNum { // so -i cannot overflow (math.MinInt64)
				num = int(max(i, -i))
			}
		}
	}
	f.argNum++
	return num
}

// argCost bounds what argument k takes formatted by any verb: OPA passes a number as
// an int64, a float64 or a big integer (in binary, at most four digits per decimal
// one; a float64 at most 330 digits before its precision), a string as itself, and
// anything else as its rego text; any verb writes a string in at most five bytes a byte.
func (f *fmtScan) argCost(k int) int {
	if f.cost[k] > 0 {
		return f.cost[k]
	}
	var c int
	switch v := f.args[k].Value.(type) {
	case ast.Number:
		c = 4*len(v) + 400
	case ast.String:
		c = 5*len(v) + 16
	default:
		c = 5*textSize(v, oneLine, f.budget) + 16
	}
	f.cost[k] = c
	return c
}
