package cmpapi

import (
	"context"

	"google.golang.org/grpc"
)

// ServiceName is the fully qualified gRPC service Argo CD's repo-server calls.
const ServiceName = "plugin.ConfigManagementPluginService"

// Stream is the server side of a client-streaming call: the requests, then one response.
type Stream interface {
	Context() context.Context
	Recv() (*AppStreamRequest, error)
}

// Server is the service floe's sidecar implements. Each streaming method receives the
// request stream and returns the one response, or an error (sent as the call's status).
type Server interface {
	GenerateManifest(Stream) (*ManifestResponse, error)
	MatchRepository(Stream) (*RepositoryResponse, error)
	GetParametersAnnouncement(Stream) (*ParametersAnnouncementResponse, error)
	CheckPluginConfiguration(context.Context) (*CheckPluginConfigurationResponse, error)
}

// serverStream adapts grpc.ServerStream to Stream.
type serverStream struct{ grpc.ServerStream }

func (s serverStream) Recv() (*AppStreamRequest, error) {
	m := new(AppStreamRequest)
	if err := s.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

func streamHandler[R Message](call func(Server, Stream) (R, error)) grpc.StreamHandler {
	return func(srv any, stream grpc.ServerStream) error {
		resp, err := call(srv.(Server), serverStream{stream})
		if err != nil {
			return err
		}
		return stream.SendMsg(resp)
	}
}

// ServiceDesc describes the service for grpc.Server.RegisterService.
var ServiceDesc = grpc.ServiceDesc{
	ServiceName: ServiceName,
	HandlerType: (*Server)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "CheckPluginConfiguration",
		Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			if err := dec(new(Empty)); err != nil {
				return nil, err
			}
			return srv.(Server).CheckPluginConfiguration(ctx)
		},
	}},
	Streams: []grpc.StreamDesc{
		{StreamName: "GenerateManifest", ClientStreams: true, Handler: streamHandler(Server.GenerateManifest)},
		{StreamName: "MatchRepository", ClientStreams: true, Handler: streamHandler(Server.MatchRepository)},
		{StreamName: "GetParametersAnnouncement", ClientStreams: true, Handler: streamHandler(Server.GetParametersAnnouncement)},
	},
	Metadata: "cmpserver/plugin/plugin.proto",
}
