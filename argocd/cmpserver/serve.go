package cmpserver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/floe-dev/floe/argocd/cmpapi"
	"github.com/floe-dev/floe/internal/membound"
)

// maxMessage bounds one gRPC message (a tarball chunk; Argo CD sends 1 MiB chunks).
const maxMessage = 16 << 20

// Listen opens the unix socket at sock. A stale socket file is replaced; any other file
// there is an error (never removed).
func Listen(sock string) (net.Listener, error) {
	if st, err := os.Lstat(sock); err == nil {
		if st.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("%s exists and is not a socket", sock)
		}
		if err := os.Remove(sock); err != nil {
			return nil, err
		}
	}
	return (&net.ListenConfig{}).Listen(context.Background(), "unix", sock)
}

// Serve serves the service on lis until ctx ends, then drains: no new request is
// accepted, those under way get up to drain to finish, and any still running after
// that is cancelled (its client gets an error, never a partial answer). It returns
// ErrCutShort when requests had to be cancelled, and an error wrapping ErrMemoryBound
// when the memory in use passed Config.Memory.Max (D-ARGO-09): then every request under
// way was cancelled and nothing more is served.
func (s *Service) Serve(ctx context.Context, lis net.Listener, drain time.Duration) error {
	g := newGuard(s.cfg.Memory)
	defer g.stop()
	srv := grpc.NewServer(grpc.ForceServerCodec(cmpapi.Codec{}), grpc.MaxRecvMsgSize(maxMessage),
		grpc.StreamInterceptor(g.intercept))
	srv.RegisterService(&cmpapi.ServiceDesc, s)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	select {
	case err := <-served:
		return err
	case n := <-g.over:
		return g.trip(srv, n)
	case <-ctx.Done():
	}
	stopped := make(chan struct{})
	go func() { srv.GracefulStop(); close(stopped) }()
	timer := time.NewTimer(drain)
	defer timer.Stop()
	select {
	case <-stopped:
		return nil
	case n := <-g.over: // the bound holds while draining too
		return g.trip(srv, n)
	case <-timer.C:
		srv.Stop() // cancels every stream still open
		<-stopped
		return ErrCutShort
	}
}

// ErrCutShort: requests were still running when the drain time ran out.
var ErrCutShort = errors.New("requests still running after the drain time were cancelled")

// ErrMemoryBound: the memory in use passed the server's bound (--max-memory).
var ErrMemoryBound = errors.New("memory bound exceeded")

// MemoryBound is the server's memory bound (D-ARGO-09), measured as the one-shot
// commands' (internal/membound: what the Go runtime holds mapped).
type MemoryBound struct {
	// Max is the memory in use past which every request under way is cancelled and the
	// server stops; 0: no bound. New requests wait while the memory in use is above
	// membound.HighWater(Max).
	Max uint64
	// InUse reads the memory in use (nil: membound.InUse).
	InUse func() uint64
	// Collect returns garbage to the system when a request finds the memory above the
	// high-water mark, at most once per collectEvery (nil: debug.FreeOSMemory): with
	// nothing running, nothing else would collect it.
	Collect func()
	// Every is how often the bound is sampled (0: membound.Every).
	Every time.Duration
}

const (
	// maxAdmissionWait is how long a request without a deadline waits for the memory in
	// use to fall under the high-water mark before it is refused.
	maxAdmissionWait = 10 * time.Second
	// collectEvery spaces the collections admission asks for.
	collectEvery = time.Second
	// flushGrace is how long the cancelled requests' errors get to reach their clients
	// once the bound is passed.
	flushGrace = time.Second
)

// guard applies a MemoryBound to the requests of one Serve: admission under the
// high-water mark, and the bound's cancellation.
type guard struct {
	max, high uint64
	read      func() uint64
	collect   func()
	every     time.Duration
	over      <-chan uint64 // the watch's sample past max; nil without a bound
	stopWatch chan struct{}
	// tripped ends when the bound is passed; its cause is the *boundError.
	tripped context.Context
	trip1   context.CancelCauseFunc

	mu          sync.Mutex
	calls       map[*call]struct{} // requests admitted and under way
	lastCollect time.Time
}

// call is a request under way: its method and, once its metadata came, its app path.
type call struct {
	method, app string
}

func (c *call) String() string {
	if c.app == "" {
		return c.method
	}
	return c.method + " " + quoteShort(c.app)
}

// quoteShort quotes an app path from a request (hostile: it may be long or hold a
// newline) for a one-line message.
func quoteShort(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strconv.Quote(s)
}

func newGuard(b MemoryBound) *guard {
	g := &guard{max: b.Max, high: membound.HighWater(b.Max), read: b.InUse, collect: b.Collect, every: b.Every,
		calls: map[*call]struct{}{}, stopWatch: make(chan struct{})}
	if g.read == nil {
		g.read = membound.InUse
	}
	if g.collect == nil {
		g.collect = debug.FreeOSMemory
	}
	if g.every <= 0 {
		g.every = membound.Every
	}
	g.tripped, g.trip1 = context.WithCancelCause(context.Background())
	if g.max > 0 {
		g.over = membound.WatchReading(g.read, g.max, g.every, g.stopWatch)
	}
	return g
}

func (g *guard) stop() { close(g.stopWatch) }

// boundError is the bound passed: the reading and the requests it cancelled.
type boundError struct {
	inUse, max uint64
	calls      []string
}

func (e *boundError) Error() string {
	msg := fmt.Sprintf("%v: %d MiB of memory in use, past --max-memory %d MiB", ErrMemoryBound, e.inUse>>20, e.max>>20)
	switch n := len(e.calls); {
	case n == 0:
		return msg + "; no request was under way"
	case n <= 8:
		return fmt.Sprintf("%s; cancelled the %d request(s) under way: %s", msg, n, strings.Join(e.calls, ", "))
	default:
		return fmt.Sprintf("%s; cancelled the %d requests under way: %s, …", msg, n, strings.Join(e.calls[:8], ", "))
	}
}

func (e *boundError) Unwrap() error { return ErrMemoryBound }

// trip passes the bound: requests under way are cancelled (their clients get the
// bound's error at once, even if their work is stuck inside one allocation), no new
// one is accepted, and the server stops after the errors went out (flushGrace at most).
func (g *guard) trip(srv *grpc.Server, n uint64) error {
	g.mu.Lock()
	calls := make([]string, 0, len(g.calls))
	for c := range g.calls {
		calls = append(calls, c.String())
	}
	g.mu.Unlock()
	slices.Sort(calls)
	err := &boundError{inUse: n, max: g.max, calls: calls}
	g.trip1(err)
	stopped := make(chan struct{})
	go func() { srv.GracefulStop(); close(stopped) }()
	t := time.NewTimer(flushGrace)
	defer t.Stop()
	select {
	case <-stopped:
	case <-t.C:
		srv.Stop()
		<-stopped
	}
	return err
}

// cancelled is the status a request gets when the bound is passed.
func (g *guard) cancelled(c *call) error {
	var b *boundError
	errors.As(context.Cause(g.tripped), &b)
	inUse := uint64(0)
	if b != nil {
		inUse = b.inUse
	}
	return status.Errorf(codes.ResourceExhausted,
		"floe cmp-server: %s: cancelled, nothing rendered: the server passed its memory bound (%d MiB in use, --max-memory %d MiB) and restarts; retry the request",
		c, inUse>>20, g.max>>20)
}

// intercept admits a request (admit), then runs it until it ends or the bound is
// passed, whichever is first.
func (g *guard) intercept(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if g.max == 0 {
		return handler(srv, ss)
	}
	c := &call{method: path.Base(info.FullMethod)}
	if err := g.admit(ss.Context(), c); err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ss.Context())
	stopAfter := context.AfterFunc(g.tripped, func() { cancel(context.Cause(g.tripped)) })
	g.mu.Lock()
	g.calls[c] = struct{}{}
	g.mu.Unlock()
	defer func() {
		stopAfter()
		cancel(nil)
		g.mu.Lock()
		delete(g.calls, c)
		g.mu.Unlock()
	}()
	gs := &guardedStream{ServerStream: ss, ctx: ctx, g: g, c: c}
	done := make(chan error, 1)
	go func() { done <- handler(srv, gs) }()
	var err error
	finished := false
	select {
	case err = <-done:
		finished = true
	case <-g.tripped.Done():
	}
	// Past the bound the error names it, whatever the work made of its cancelled
	// context, unless the whole answer went out first.
	if g.tripped.Err() != nil && !gs.close() {
		return g.cancelled(c)
	}
	if !finished {
		err = <-done
	}
	return err
}

// admit lets a request start when the memory in use is under the high-water mark; above
// it the request waits (under its deadline, less deadlineBuffer, else maxAdmissionWait)
// and is then refused with ResourceExhausted, never served an empty answer.
func (g *guard) admit(ctx context.Context, c *call) error {
	wait := maxAdmissionWait
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d) - deadlineBuffer
	}
	var timer *time.Timer
	var tick *time.Ticker
	for {
		if g.tripped.Err() != nil {
			return g.cancelled(c)
		}
		n := g.read()
		if n <= g.high {
			return nil
		}
		if g.collectDue() {
			g.collect()
			if n = g.read(); n <= g.high {
				return nil
			}
		}
		if timer == nil {
			timer = time.NewTimer(max(wait, 0))
			defer timer.Stop()
			tick = time.NewTicker(g.every)
			defer tick.Stop()
		}
		select {
		case <-tick.C:
			continue
		case <-timer.C:
		case <-ctx.Done():
		}
		return status.Errorf(codes.ResourceExhausted,
			"floe cmp-server: %s: refused, nothing rendered: %d MiB of memory in use, above the admission mark of %d MiB (three quarters of --max-memory %d MiB); retry later",
			c, n>>20, g.high>>20, g.max>>20)
	}
}

// collectDue reports whether admission may ask for a collection now (collectEvery).
func (g *guard) collectDue() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now := time.Now(); now.Sub(g.lastCollect) >= collectEvery {
		g.lastCollect = now
		return true
	}
	return false
}

// guardedStream is an admitted request's stream: its context ends when the bound is
// passed, its metadata names the call, and once the bound has cancelled it nothing
// more is sent (never a partial answer).
type guardedStream struct {
	grpc.ServerStream
	ctx    context.Context
	g      *guard
	c      *call
	mu     sync.Mutex
	closed bool
	sent   bool
}

func (s *guardedStream) Context() context.Context { return s.ctx }

func (s *guardedStream) RecvMsg(m any) error {
	if err := context.Cause(s.g.tripped); err != nil {
		return err
	}
	err := s.ServerStream.RecvMsg(m)
	if r, ok := m.(*cmpapi.AppStreamRequest); ok && err == nil && r.Metadata != nil {
		s.g.mu.Lock()
		s.c.app = r.Metadata.AppRelPath
		s.g.mu.Unlock()
	}
	return err
}

func (s *guardedStream) SendMsg(m any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return context.Cause(s.g.tripped)
	}
	s.sent = true
	return s.ServerStream.SendMsg(m)
}

// close stops further sends and reports whether the answer was sent already.
func (s *guardedStream) close() (sent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.sent
}
