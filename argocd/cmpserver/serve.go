package cmpserver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"time"

	"google.golang.org/grpc"

	"github.com/floe-dev/floe/argocd/cmpapi"
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
// ErrCutShort when requests had to be cancelled.
func (s *Service) Serve(ctx context.Context, lis net.Listener, drain time.Duration) error {
	srv := grpc.NewServer(grpc.ForceServerCodec(cmpapi.Codec{}), grpc.MaxRecvMsgSize(maxMessage))
	srv.RegisterService(&cmpapi.ServiceDesc, s)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stopped := make(chan struct{})
	go func() { srv.GracefulStop(); close(stopped) }()
	timer := time.NewTimer(drain)
	defer timer.Stop()
	select {
	case <-stopped:
		return nil
	case <-timer.C:
		srv.Stop() // cancels every stream still open
		<-stopped
		return ErrCutShort
	}
}

// ErrCutShort: requests were still running when the drain time ran out.
var ErrCutShort = errors.New("requests still running after the drain time were cancelled")
