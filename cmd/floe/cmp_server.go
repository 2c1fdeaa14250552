package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/argocd/cmpserver"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/gcdefer"
	"github.com/floe-dev/floe/internal/membound"
	"github.com/floe-dev/floe/internal/secretshape"
	"github.com/floe-dev/floe/render"
)

// defaultPluginSockDir is where Argo CD's repo-server looks for plugin sockets
// (ARGOCD_PLUGINSOCKFILEPATH in the sidecar overrides it, as for argocd-cmp-server).
const defaultPluginSockDir = "/home/argocd/cmp-server/plugins"

// newCMPServerCmd is `floe cmp-server`: the long-lived sidecar entrypoint serving Argo
// CD's ConfigManagementPlugin gRPC service in place of argocd-cmp-server (D-ARGO-03).
func newCMPServerCmd(s *streams) *cobra.Command {
	var (
		socket  string
		lim     = cmpserver.DefaultLimits
		jobs    int
		ttl     time.Duration
		cached  int
		drain   time.Duration
		verbose bool
		mem     = byteQuantity(defaultMaxMemory)
		cacheB  = byteQuantity(defaultCacheBytes)
		// D-EVD-10: the sidecar's attestation, set by the platform (flags or its own env)
		attestDir, signingKey string
	)
	cmd := &cobra.Command{
		Use:   "cmp-server",
		Short: "Serve Argo CD's config management plugin gRPC service (sidecar entrypoint)",
		Long: `cmp-server replaces argocd-cmp-server + floe argocd generate in the floe sidecar. It
serves the v2 sidecar protocol on the plugins socket (<dir>/floe-v1.sock; the directory is
ARGOCD_PLUGINSOCKFILEPATH, else /home/argocd/cmp-server/plugins). Policies compile once;
the repository tarball is unpacked in memory within --max-tarball / --max-bytes /
--max-entries; renders are cached by the digests of the inputs they read. Every failure
is an error to Argo CD, never an empty manifest list. On SIGTERM no new request is taken
and those under way get --drain to finish. --attest-dir DIR --signing-key KEY (or the
sidecar's FLOE_ATTEST_DIR and FLOE_SIGNING_KEY) attest every manifest set returned, as
floe argocd generate does; a cached render is returned again only while its
attestation file is in DIR, else it is rendered and signed again.

--max-memory bounds what the Go runtime holds mapped (set it under the container's memory
limit): above three quarters of it new requests wait under their deadline, then are
refused (ResourceExhausted); past it every request under way is cancelled with an error
naming the bound and the server exits 2, for the kubelet to restart a clean process.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			att, err := newArgoAttestor("cmp-server: --attest-dir", "--signing-key", attestDir, signingKey, os.Getenv)
			if err != nil {
				return err
			}
			// The collector's soft limit is the admission mark (GOGC/GOMEMLIMIT win).
			gcdefer.LongLived(os.Getenv, serverGCPercent, int64(membound.HighWater(uint64(mem))))
			svc, err := cmpserver.New(cmpserver.Config{
				Limits:        lim,
				MaxConcurrent: jobs,
				CacheTTL:      ttl,
				CacheEntries:  cached,
				CacheBytes:    int64(cacheB),
				Memory:        cmpserver.MemoryBound{Max: uint64(mem)},
				Getenv:        os.Getenv,
				Now:           fixedRenderTime,
				FloeVersion:   floeVersion(),
				Render:        render.Render,
				Attest:        attestor(att),
				Logf: func(format string, args ...any) {
					if verbose {
						fmt.Fprintf(s.Err, "floe cmp-server: "+format+"\n", args...)
					}
				},
			})
			if err != nil {
				return err
			}
			// Start compiling floe's policies now, not on the first request: Render with
			// no options only builds the process engine and returns a usage error.
			_, _ = render.Render(cmd.Context(), render.Options{})
			if socket == "" {
				dir := os.Getenv("ARGOCD_PLUGINSOCKFILEPATH")
				if dir == "" {
					dir = defaultPluginSockDir
				}
				socket = filepath.Join(dir, svc.SocketName())
			}
			lis, err := cmpserver.Listen(socket)
			if err != nil {
				return diag.Usage(fmt.Errorf("cmp-server: %w", err))
			}
			fmt.Fprintf(s.Err, "floe cmp-server: serving on %s\n", socket)
			err = svc.Serve(cmd.Context(), lis, drain)
			if errors.Is(err, cmpserver.ErrMemoryBound) {
				return err // one line, printed by runCMPServer
			}
			st := svc.CacheStats()
			fmt.Fprintf(s.Err, "floe cmp-server: stopped (render cache: %d hits, %d misses; %d tarballs: %d of %d files, %d of %d bytes kept in memory, %d unpacked whole)\n",
				st.Hits, st.Misses, st.Tarballs, st.KeptFiles, st.Files, st.KeptBytes, st.Bytes, st.Fallbacks)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&socket, "socket", "", "unix socket to serve on (default <plugins dir>/floe-v1.sock)")
	f.IntVar(&jobs, "max-concurrent", runtime.GOMAXPROCS(0), "requests served at once")
	f.DurationVar(&ttl, "cache-ttl", 10*time.Minute, "how long a cached render is served")
	f.IntVar(&cached, "cache-entries", 4096, "renders kept in the cache (0 disables it)")
	f.Var(&cacheB, "cache-bytes", "bytes the cached renders may hold, a quantity")
	f.Var(&mem, "max-memory", "memory the server may hold (Go runtime, mapped), a quantity like 1Gi; keep it under the container's limit")
	f.DurationVar(&drain, "drain", 20*time.Second, "on SIGTERM, time given to requests under way")
	f.BoolVar(&verbose, "verbose", false, "log every request as it arrives")
	f.StringVar(&attestDir, "attest-dir", os.Getenv(envAttestDir), "write a signed attestation of every render here, <app>.<stream digest>.intoto.jsonl (default $"+envAttestDir+")")
	f.StringVar(&signingKey, "signing-key", os.Getenv(envSigningKey), "private key for --attest-dir, as for render --signing-key (default $"+envSigningKey+")")
	f.Int64Var(&lim.MaxTarball, "max-tarball", lim.MaxTarball, "largest compressed repository tarball, bytes")
	f.Int64Var(&lim.MaxBytes, "max-bytes", lim.MaxBytes, "largest uncompressed repository tarball, bytes")
	f.IntVar(&lim.MaxEntries, "max-entries", lim.MaxEntries, "most entries in a repository tarball")
	return cmd
}

// The cmp-server's memory (D-ARGO-03, D-ARGO-09): collections a quarter as often as Go's
// default (gcdefer.LongLived), under a soft limit of three quarters of --max-memory
// (768 MiB by default), which is also the admission mark; past --max-memory the server
// exits 2. The render cache keeps defaultCacheBytes at most, an eighth of the bound.
const (
	serverGCPercent   = 400
	defaultMaxMemory  = membound.ServerLimit
	defaultCacheBytes = 128 << 20
)

// byteQuantity is a flag of bytes written as a Kubernetes quantity (1Gi, 512Mi,
// 1073741824), as a container's memory limit is (membound.ParseQuantity).
type byteQuantity uint64

func (q *byteQuantity) String() string { return membound.FormatQuantity(uint64(*q)) }

func (q *byteQuantity) Set(s string) error {
	n, err := membound.ParseQuantity(s)
	if err != nil {
		return err
	}
	*q = byteQuantity(n)
	return nil
}

func (q *byteQuantity) Type() string { return "quantity" }

// runCMPServer runs `floe cmp-server`: a server, so it has its own signal handling (the
// drain) instead of runMain's short grace for one-shot commands. Exit 0 after a clean
// drain, 143 (SIGTERM) when requests had to be cut short, 2 when the memory in use
// passed --max-memory (one line on stderr naming the bound and the requests cancelled).
func runCMPServer(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := &streams{Out: new(bytes.Buffer), Err: stderr}
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	stdout.Write(s.Out.Bytes()) // --help
	if errors.Is(err, cmpserver.ErrMemoryBound) {
		fmt.Fprintf(stderr, "floe: cmp-server: %v; exiting for a clean restart\n", err)
		return 2
	}
	if errors.Is(err, cmpserver.ErrCutShort) {
		fmt.Fprintln(stderr, "floe: cmp-server:", err)
		return 128 + int(syscall.SIGTERM)
	}
	if err != nil {
		fmt.Fprintln(stderr, prefixLines(secretshape.Redact(err.Error())))
	}
	return exitCode(err)
}

// attestor is att as a cmpserver.Attestor: nil (no attestation) for a nil att.
func attestor(att *argoAttestor) cmpserver.Attestor {
	if att == nil {
		return nil
	}
	return att
}
