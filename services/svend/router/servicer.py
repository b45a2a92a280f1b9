"""RouterService: protobuf in, Router out."""

from collections.abc import AsyncIterator

import grpc

from svend.router.flow import Router
from svend.router.v1 import router_pb2, router_pb2_grpc


class RouterServicer(router_pb2_grpc.RouterServiceServicer):
    def __init__(self, router: Router) -> None:
        self.router = router

    async def Ask(
        self, request: router_pb2.AskRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.AskResponse:
        return await self.router.ask(request.query, request.path)

    async def AskStream(
        self, request: router_pb2.AskStreamRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[router_pb2.AskStreamResponse]:
        async for event in self.router.ask_events(request.query, request.path):
            yield event
