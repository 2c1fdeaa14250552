package argocd

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Parameter names floe accepts. The first three configure the render; the informational
// ones are announced (read-only lists for the UI) and ignored when set.
const (
	ParamContract        = "contract"
	ParamRuntime         = "runtime"
	ParamEnforcement     = "enforcement"
	ParamRuntimes        = "runtimes"
	ParamApprovedCompute = "approved-compute"
)

// Runtimes are the render paths floe knows (D-RND-03).
var Runtimes = []string{"dagster", "floe-jobs"}

// Enforcements are the policy levels (D-GATE-02).
var Enforcements = []string{"off", "warn", "strict"}

// Provenance annotations stamped on every rendered object.
const (
	AnnotationApp            = "floe.dev/argocd-app"
	AnnotationSourceRepo     = "floe.dev/source-repo"
	AnnotationSourceRevision = "floe.dev/source-revision"
	AnnotationSourcePath     = "floe.dev/source-path"
)

// Environment variables Argo CD sets for a CMP command (build environment, plugin env
// with the ARGOCD_ENV_ prefix, parameters).
const (
	EnvAppName        = "ARGOCD_APP_NAME"
	EnvAppNamespace   = "ARGOCD_APP_NAMESPACE"
	EnvAppRevision    = "ARGOCD_APP_REVISION"
	EnvSourcePath     = "ARGOCD_APP_SOURCE_PATH"
	EnvSourceRepoURL  = "ARGOCD_APP_SOURCE_REPO_URL"
	EnvAppParameters  = "ARGOCD_APP_PARAMETERS"
	EnvFloeContract   = "ARGOCD_ENV_FLOE_CONTRACT"
	EnvFloeRuntime    = "ARGOCD_ENV_FLOE_RUNTIME"
	EnvFloeEnforce    = "ARGOCD_ENV_FLOE_ENFORCEMENT"
	paramEnvPrefix    = "PARAM_"
	productFileName   = "floe.yaml"
	maxShownValueSize = 64
)

// Options is what `floe argocd generate` renders with, taken only from the environment.
type Options struct {
	Root         string            // absolute directory floe may read: cwd minus the source path
	SourcePath   string            // ARGOCD_APP_SOURCE_PATH, clean and slash-separated; "." at the repository root
	ProductPath  string            // root-relative floe.yaml of the Application
	ContractPath string            // root-relative contract file
	Runtime      string            // dagster | floe-jobs; "" = the contract's recommendedAlphaSpine
	Enforcement  string            // off | warn | strict; "" = the platform's level
	ImageTag     string            // full hex commit SHA from ARGOCD_APP_REVISION; "" when not set
	AppName      string            // ARGOCD_APP_NAME
	AppNamespace string            // ARGOCD_APP_NAMESPACE (the Application's destination namespace)
	Annotations  map[string]string // provenance, stamped on every object
}

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ErrNoContract: neither the contract parameter, FLOE_CONTRACT nor a plugin.yaml default
// names a contract.
var ErrNoContract = fmt.Errorf("no contract: set the Application's plugin parameter %s or its plugin env FLOE_CONTRACT (a repository-relative path)", ParamContract)

// FromEnv turns the environment of a CMP command into render options. env looks a
// variable up ("" when unset); cwd is the working directory Argo CD ran floe in (the
// Application's directory inside the unpacked repository). Every problem found is
// reported, joined; no value that could be a secret is echoed. A contract is required.
func FromEnv(env func(string) string, cwd string) (Options, error) {
	o, err := ReadEnv(env, cwd)
	if err == nil && o.ContractPath == "" {
		err = ErrNoContract
	}
	if err != nil {
		return Options{}, err
	}
	return o, nil
}

// ReadEnv is FromEnv without requiring a contract (ContractPath may be ""): the dynamic
// parameter announcement works before one is configured.
func ReadEnv(env func(string) string, cwd string) (Options, error) {
	var o Options
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	// Root: the working directory with the source path taken off its end.
	src, err := cleanSourcePath(env(EnvSourcePath))
	if err != nil {
		fail("%s: %w", EnvSourcePath, err)
	} else if root, err := rootOf(cwd, src); err != nil {
		fail("%w", err)
	} else {
		o.Root, o.SourcePath = root, src
		o.ProductPath = path.Join(src, productFileName)
	}

	// Image tag: the commit Argo CD resolved.
	if rev := env(EnvAppRevision); rev != "" {
		if !fullSHA.MatchString(strings.ToLower(rev)) {
			fail("%s %s is not a full 40-hex git commit SHA (floe renders git sources only)", EnvAppRevision, shown(rev))
		} else {
			o.ImageTag = strings.ToLower(rev)
		}
	}
	o.AppName = env(EnvAppName)
	o.AppNamespace = env(EnvAppNamespace)

	// Parameters: ARGOCD_APP_PARAMETERS (authoritative) or PARAM_*; then ARGOCD_ENV_FLOE_*;
	// then plugin.yaml's announced defaults.
	params, err := parameters(env)
	if err != nil {
		errs = append(errs, err)
	}
	pick := func(name, envName string, check func(string) error) string {
		v, from := params[name], "parameter "+name
		if v == "" {
			v, from = env(envName), envName
		}
		if v == "" {
			v, from = staticDefault(name), "plugin.yaml default of "+name
		}
		if v == "" && name == ParamContract {
			return ""
		}
		if err := check(v); err != nil {
			fail("%s: %w", from, err)
			return ""
		}
		return v
	}
	o.ContractPath = pick(ParamContract, EnvFloeContract, checkContract)
	o.Runtime = pick(ParamRuntime, EnvFloeRuntime, oneOf(Runtimes, true))
	o.Enforcement = pick(ParamEnforcement, EnvFloeEnforce, oneOf(Enforcements, true))

	o.Annotations = map[string]string{}
	if o.AppName != "" {
		o.Annotations[AnnotationApp] = o.AppName
	}
	if repo := sanitizeRepoURL(env(EnvSourceRepoURL)); repo != "" {
		o.Annotations[AnnotationSourceRepo] = repo
	}
	if o.ImageTag != "" {
		o.Annotations[AnnotationSourceRevision] = o.ImageTag
	}
	if o.SourcePath != "" {
		o.Annotations[AnnotationSourcePath] = o.SourcePath
	}
	if len(errs) > 0 {
		return Options{}, errors.Join(errs...)
	}
	return o, nil
}

// parameters returns the string values of the render parameters. ARGOCD_APP_PARAMETERS
// wins; the PARAM_<NAME> variables Argo CD derives from the same list must agree with it,
// and are used alone when the JSON is absent (a hand-run plugin).
func parameters(env func(string) string) (map[string]string, error) {
	out := map[string]string{}
	raw := env(EnvAppParameters)
	list, err := ParseParameters([]byte(raw))
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, p := range list {
		switch p.Name {
		case ParamContract, ParamRuntime, ParamEnforcement:
			if p.Kind != KindString {
				errs = append(errs, fmt.Errorf("parameter %s: want a string, got %s", p.Name, p.Kind))
				continue
			}
			out[p.Name] = p.String
		case ParamRuntimes, ParamApprovedCompute:
			// Informational lists announced for the UI; a value set here changes nothing.
		default:
			errs = append(errs, fmt.Errorf("unknown parameter %s (floe accepts %s, %s, %s)",
				shown(p.Name), ParamContract, ParamRuntime, ParamEnforcement))
		}
	}
	for _, name := range []string{ParamContract, ParamRuntime, ParamEnforcement} {
		envName := paramEnvPrefix + strings.ToUpper(name)
		v := env(envName)
		switch {
		case strings.TrimSpace(raw) == "":
			if v != "" {
				out[name] = v
			}
		case v != "" && v != out[name]:
			errs = append(errs, fmt.Errorf("%s disagrees with %s", envName, EnvAppParameters))
		}
	}
	return out, errors.Join(errs...)
}

// cleanSourcePath makes ARGOCD_APP_SOURCE_PATH a clean slash path ("." for the root).
// Argo CD resolves a leading "/" inside the repository; ".." is refused.
func cleanSourcePath(p string) (string, error) {
	if strings.ContainsAny(p, "\\\x00") {
		return "", errors.New("want a slash-separated repository path")
	}
	c := path.Clean("/" + p)[1:]
	if c == "" {
		return ".", nil
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", fmt.Errorf("%s climbs out of the repository", shown(p))
		}
	}
	return c, nil
}

// rootOf takes src ("." or a clean relative slash path) off the end of cwd.
func rootOf(cwd, src string) (string, error) {
	if !filepath.IsAbs(cwd) {
		return "", fmt.Errorf("working directory %q is not absolute", cwd)
	}
	cwd = filepath.Clean(cwd)
	if src == "." {
		return cwd, nil
	}
	suffix := string(filepath.Separator) + filepath.FromSlash(src)
	if !strings.HasSuffix(cwd, suffix) {
		return "", fmt.Errorf("working directory %q does not end with %s %q; "+
			"the repository root must be sent to the plugin (check argocd.argoproj.io/manifest-generate-paths)",
			cwd, EnvSourcePath, src)
	}
	root := strings.TrimSuffix(cwd, suffix)
	if root == "" {
		root = string(filepath.Separator)
	}
	return root, nil
}

// checkContract accepts a clean root-relative slash path.
func checkContract(c string) error {
	switch {
	case c == "":
		return errors.New("empty path")
	case strings.ContainsAny(c, "\\\x00\n\r"):
		return fmt.Errorf("%s: want a slash-separated repository path", shown(c))
	case path.IsAbs(c) || filepath.IsAbs(c) || filepath.VolumeName(c) != "":
		return fmt.Errorf("%s is absolute; want a repository-relative path", shown(c))
	case c == ".." || strings.HasPrefix(c, "../") || strings.Contains(c, "/../") || strings.HasSuffix(c, "/.."):
		return fmt.Errorf("%s leaves the repository", shown(c))
	case c == ".":
		return fmt.Errorf("%s is not a contract file", shown(c))
	case path.Clean(c) != c:
		return fmt.Errorf("%s is not a clean path (want %s)", shown(c), shown(path.Clean(c)))
	}
	return nil
}

// oneOf accepts one of the allowed values (and "" when empty means "default").
func oneOf(allowed []string, emptyOK bool) func(string) error {
	return func(v string) error {
		if v == "" && emptyOK {
			return nil
		}
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return fmt.Errorf("%s: want one of %s", shown(v), strings.Join(allowed, ", "))
	}
}

// scpLike is git's [user@]host:path address form (no scheme, no password possible).
var scpLike = regexp.MustCompile(`^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+:[^@\s:]+$`)

// sanitizeRepoURL drops credentials, query and fragment from a repository URL; an
// scp-like address (git@host:org/repo) is kept; anything else is dropped.
func sanitizeRepoURL(raw string) string {
	if raw == "" {
		return ""
	}
	if !strings.Contains(raw, "://") {
		if scpLike.MatchString(raw) {
			return raw
		}
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return ""
	}
	u.User, u.RawQuery, u.Fragment, u.ForceQuery, u.RawFragment = nil, "", "", false, ""
	return u.String()
}

// shown quotes a value for a message, cut to a readable length.
func shown(v string) string {
	if len(v) > maxShownValueSize {
		v = v[:maxShownValueSize] + "…"
	}
	return fmt.Sprintf("%q", v)
}
