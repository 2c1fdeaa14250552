package cmpserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/floe-dev/floe/argocd/cmpapi"
	"github.com/floe-dev/floe/render"
)

// rawCodec is the client side of the tests: requests encoded as Argo CD's client does,
// responses kept as bytes (cmpapi decodes only what a server receives).
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return cmpapi.Codec{}.Marshal(v) }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// boundServer serves a Service whose memory reading is mem and whose render is fn.
type boundServer struct {
	sock     string
	mem      atomic.Uint64
	collects atomic.Int32
	renders  atomic.Int32
	served   chan error
	stop     context.CancelFunc
}

const mib = 1 << 20

func serveBound(t *testing.T, max uint64, collect func(*boundServer), fn func(context.Context) (*render.Result, error)) *boundServer {
	t.Helper()
	dir, err := os.MkdirTemp("", "floe-wd") // short: a socket path has ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	b := &boundServer{sock: filepath.Join(dir, "s.sock"), served: make(chan error, 1)}
	svc, err := New(Config{
		Limits: DefaultLimits, MaxConcurrent: 4,
		Getenv: func(string) string { return "" },
		Now:    func(func(string) string) (time.Time, bool) { return time.Unix(1767225600, 0).UTC(), true },
		Render: func(ctx context.Context, _ render.Options) (*render.Result, error) {
			b.renders.Add(1)
			return fn(ctx)
		},
		Memory: MemoryBound{
			Max:   max,
			InUse: b.mem.Load,
			Collect: func() {
				b.collects.Add(1)
				if collect != nil {
					collect(b)
				}
			},
			Every: time.Millisecond,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := Listen(b.sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.stop = cancel
	go func() { b.served <- svc.Serve(ctx, lis, time.Second) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-b.served:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return")
		}
	})
	return b
}

// generate sends one GenerateManifest request of golden/batch's hello-orders product.
func (b *boundServer) generate(t *testing.T, timeout time.Duration) ([]byte, error) {
	t.Helper()
	conn, err := grpc.NewClient("unix://"+b.sock, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cs, err := conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true}, "/"+cmpapi.ServiceName+"/GenerateManifest")
	if err != nil {
		return nil, err
	}
	for _, m := range newStream(tgz(t, repoEntries(t, nil)), generateMD("products/hello-orders"), 64<<10).msgs {
		if err := cs.SendMsg(m); err != nil {
			break // the server answered early; RecvMsg has its status
		}
	}
	if err := cs.CloseSend(); err != nil {
		return nil, err
	}
	var out []byte
	if err := cs.RecvMsg(&out); err != nil {
		return nil, err
	}
	return out, nil
}

func oneConfigMap(context.Context) (*render.Result, error) {
	return &render.Result{YAML: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")}, nil
}

// TestAdmission (D-ARGO-09): under the high-water mark (three quarters of the bound) a
// request is served at once; above it the server asks for one collection, then the
// request waits under its deadline for the memory to fall, and is refused with
// ResourceExhausted (nothing rendered, never an empty answer) when it does not.
func TestAdmission(t *testing.T) {
	tests := []struct {
		name         string
		mem          uint64
		collect      func(*boundServer)
		fallAfter    time.Duration // the reading falls to 100 MiB after this (0: never)
		timeout      time.Duration
		wantCode     codes.Code
		wantCollects int32
		wantWait     time.Duration
	}{
		{name: "under the mark", mem: 740 * mib, timeout: 5 * time.Second, wantCode: codes.OK},
		{name: "above, the collection frees it", mem: 800 * mib, collect: func(b *boundServer) { b.mem.Store(100 * mib) },
			timeout: 5 * time.Second, wantCode: codes.OK, wantCollects: 1},
		{name: "above, falls while waiting", mem: 800 * mib, fallAfter: 300 * time.Millisecond,
			timeout: 5 * time.Second, wantCode: codes.OK, wantCollects: 1, wantWait: 300 * time.Millisecond},
		{name: "above until the deadline", mem: 800 * mib, timeout: 600 * time.Millisecond,
			wantCode: codes.ResourceExhausted, wantCollects: 1, wantWait: 400 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := serveBound(t, 1000*mib, tc.collect, oneConfigMap)
			b.mem.Store(tc.mem)
			if tc.fallAfter > 0 {
				time.AfterFunc(tc.fallAfter, func() { b.mem.Store(100 * mib) })
			}
			start := time.Now()
			out, err := b.generate(t, tc.timeout)
			took := time.Since(start)
			if got := status.Code(err); got != tc.wantCode {
				t.Fatalf("status %v (%v), want %v", got, err, tc.wantCode)
			}
			if got := b.collects.Load(); got != tc.wantCollects {
				t.Errorf("%d collections, want %d", got, tc.wantCollects)
			}
			if took < tc.wantWait {
				t.Errorf("answered after %v, want a wait of at least %v", took, tc.wantWait)
			}
			if tc.wantCode == codes.OK {
				if len(out) == 0 || b.renders.Load() != 1 {
					t.Errorf("%d bytes after %d renders, want the manifests of one", len(out), b.renders.Load())
				}
				return
			}
			if out != nil || b.renders.Load() != 0 {
				t.Errorf("%d bytes after %d renders, want no answer and nothing rendered", len(out), b.renders.Load())
			}
			for _, want := range []string{"admission mark of 750 MiB", "--max-memory 1000 MiB", "800 MiB of memory in use", "GenerateManifest"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

// TestMemoryBoundCancels (D-ARGO-09): past the bound, a request under way — here stuck
// in its render, as in one allocation that never looks at its context — is cancelled:
// its client gets ResourceExhausted naming the bound and the app, never a partial
// answer; Serve returns ErrMemoryBound naming the request, and serves nothing more.
func TestMemoryBoundCancels(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	b := serveBound(t, 1000*mib, nil, func(context.Context) (*render.Result, error) {
		close(entered)
		<-release
		return oneConfigMap(nil)
	})
	b.mem.Store(100 * mib)
	go func() {
		<-entered
		b.mem.Store(1200 * mib)
	}()
	start := time.Now()
	out, err := b.generate(t, 10*time.Second)
	if status.Code(err) != codes.ResourceExhausted || out != nil {
		t.Fatalf("answer of %d bytes, error %v; want no answer and ResourceExhausted", len(out), err)
	}
	for _, want := range []string{"memory bound", "--max-memory 1000 MiB", "1200 MiB in use", `GenerateManifest "products/hello-orders"`, "nothing rendered"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("client error %q does not say %q", err, want)
		}
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the client waited %v for its error", took)
	}
	select {
	case serr := <-b.served:
		b.served <- serr // for the cleanup
		if !errors.Is(serr, ErrMemoryBound) {
			t.Fatalf("Serve returned %v, want ErrMemoryBound", serr)
		}
		for _, want := range []string{"1200 MiB of memory in use, past --max-memory 1000 MiB", `cancelled the 1 request(s) under way: GenerateManifest "products/hello-orders"`} {
			if !strings.Contains(serr.Error(), want) {
				t.Errorf("Serve's error %q does not say %q", serr, want)
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the bound was passed")
	}
	b.mem.Store(100 * mib)
	if out, err := b.generate(t, 2*time.Second); err == nil {
		t.Errorf("a request after the bound got %d bytes; want an error (the server stopped)", len(out))
	}
}

// TestCacheByteBound (D-ARGO-09): the render cache holds its byte bound as well as its
// entry bound, oldest dropped first; a render larger than the whole bound is not kept;
// a replaced entry's bytes are given back.
func TestCacheByteBound(t *testing.T) {
	reads := func(p string) *render.ReadSet {
		return &render.ReadSet{Reads: []render.Read{{Op: "file", Path: p, Answer: "sha256:" + strings.Repeat("0", 64)}}}
	}
	big := []string{strings.Repeat("x", 1000)}
	one := entrySize("a", reads("a"), big)
	c := newRenderCache(time.Hour, 100, 2*one+one/2, time.Now)
	keys := func() (out []string) {
		for _, e := range c.order {
			out = append(out, e.key)
		}
		return out
	}
	c.put("a", "products/a/floe.yaml", reads("a"), big)
	c.put("b", "products/b/floe.yaml", reads("b"), big)
	if got := strings.Join(keys(), ","); got != "a,b" || c.bytes != 2*one {
		t.Fatalf("cache holds %s in %d bytes, want a,b in %d", got, c.bytes, 2*one)
	}
	c.put("c", "products/c/floe.yaml", reads("c"), big)
	if got := strings.Join(keys(), ","); got != "b,c" || c.bytes != 2*one {
		t.Errorf("past the byte bound the cache holds %s in %d bytes, want b,c in %d", got, c.bytes, 2*one)
	}
	c.put("c", "products/c/floe.yaml", reads("c"), big) // the same reads again: replaced, not added
	if got := strings.Join(keys(), ","); got != "b,c" || c.bytes != 2*one {
		t.Errorf("after a replacement the cache holds %s in %d bytes, want b,c in %d", got, c.bytes, 2*one)
	}
	c.put("huge", "products/huge/floe.yaml", reads("huge"), []string{strings.Repeat("x", 3*1000)})
	if got := strings.Join(keys(), ","); got != "b,c" {
		t.Errorf("a render larger than the bound: the cache holds %s, want b,c (nothing dropped for it)", got)
	}
}
