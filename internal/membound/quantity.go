package membound

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// LimitEnv names the variable that sets a one-shot command's bound in place of Limit
// (D-SEC-08). It is the platform's: in Argo CD's exec mode an Application's env arrives
// prefixed ARGOCD_ENV_, so only the sidecar's own environment can set it.
const LimitEnv = "FLOE_MAX_MEMORY"

// MinLimit and MaxLimit bound a bound set through LimitEnv: under MinLimit floe's own
// compiled policies leave no room for a render; past MaxLimit it is no bound at all.
const (
	MinLimit = 64 << 20
	MaxLimit = 64 << 30
)

// ParseQuantity reads bytes written as a Kubernetes quantity (1Gi, 512Mi, 1073741824,
// 1.5Gi, 1e9), as a container's memory limit is: a positive whole number of bytes under
// 4Ei. It is the one parser of floe's memory settings (cmp-server's --max-memory and
// --cache-bytes, LimitEnv). It is floe's own, not apimachinery's resource.ParseQuantity:
// that one spends minutes on an exponent like 1E60000000001.
func ParseQuantity(s string) (uint64, error) {
	if len(s) > 32 { // no quantity of bytes is this long; keep the message short too
		return 0, fmt.Errorf("a value of %d bytes is not a quantity of bytes like 1Gi or 512Mi", len(s))
	}
	v, ok := parseQuantity(s)
	if !ok {
		return 0, fmt.Errorf("%q is not a quantity of bytes like 1Gi or 512Mi", s)
	}
	if v.Sign() <= 0 || !v.IsInt() || v.Num().Cmp(big.NewInt(maxQuantity)) >= 0 {
		return 0, fmt.Errorf("%q is not a positive whole number of bytes under 4Ei", s)
	}
	return v.Num().Uint64(), nil
}

// parseQuantity reads s as <sign>?<digits>[.<digits>]<suffix>, the suffix one of
// Ki Mi Gi Ti Pi Ei, m k M G T P E, or e/E and a signed exponent of two digits at most.
func parseQuantity(s string) (*big.Rat, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, suffix := s[:i], s[i:]
	if num == "" || num == "." || strings.Count(num, ".") > 1 {
		return nil, false
	}
	v, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, false
	}
	mul := new(big.Rat)
	if e, ok := binarySuffixes[suffix]; ok {
		mul.SetInt(new(big.Int).Lsh(big.NewInt(1), e))
	} else if e, ok := decimalSuffixes[suffix]; ok {
		mul.Set(pow10(e))
	} else if suffix[0] == 'e' || suffix[0] == 'E' {
		exp := suffix[1:]
		sign := 1
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			sign, exp = map[bool]int{true: -1, false: 1}[exp[0] == '-'], exp[1:]
		}
		if exp == "" || len(exp) > 2 || strings.Trim(exp, "0123456789") != "" {
			return nil, false
		}
		e, _ := strconv.Atoi(exp)
		mul.Set(pow10(sign * e))
	} else {
		return nil, false
	}
	v.Mul(v, mul)
	if neg {
		v.Neg(v)
	}
	return v, true
}

var binarySuffixes = map[string]uint{"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}

var decimalSuffixes = map[string]int{"m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}

// pow10 is 10 to the e, |e| < 100.
func pow10(e int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(e, -e))), nil)
	if e < 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), p)
	}
	return new(big.Rat).SetInt(p)
}

const maxQuantity = 1 << 62 // 4Ei

// FormatQuantity writes n bytes as ParseQuantity reads them: with the largest binary
// suffix that divides it (1Gi, 448Mi), else in bytes.
func FormatQuantity(n uint64) string {
	for _, u := range []struct {
		s     string
		shift uint
	}{{"Ei", 60}, {"Pi", 50}, {"Ti", 40}, {"Gi", 30}, {"Mi", 20}, {"Ki", 10}} {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatUint(n>>u.shift, 10) + u.s
		}
	}
	return strconv.FormatUint(n, 10)
}

// LimitFrom is a one-shot command's bound: Limit, or LimitEnv's value when it is set,
// which must be a quantity between floor and MaxLimit (callers pass MinLimit; a test
// may pass less).
func LimitFrom(getenv func(string) string, floor uint64) (uint64, error) {
	s := getenv(LimitEnv)
	if s == "" {
		return Limit, nil
	}
	n, err := ParseQuantity(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", LimitEnv, err)
	}
	if n < floor || n > MaxLimit {
		return 0, fmt.Errorf("%s: %q is outside %s..%s (the default is %s)", LimitEnv, s,
			FormatQuantity(floor), FormatQuantity(MaxLimit), FormatQuantity(Limit))
	}
	return n, nil
}
