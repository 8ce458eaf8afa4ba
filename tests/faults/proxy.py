"""A tiny asyncio TCP proxy on loopback that can cut its connections off (tests/faults/).

    proxy = FaultProxy(upstream_port=8101)
    await proxy.start()              # listens on 127.0.0.1:<proxy.port>
    proxy.blackhole()                # bytes both ways are swallowed; sockets stay open
    proxy.restore()                  # pass bytes again (what was swallowed stays lost)
    proxy.reset_all()                # RST every connection open now
    await proxy.stop()

toxiproxy is not installable here (RELIABILITY.md section 5), so this is the in-repo stand-in:
it runs in the test's own event loop, touches nothing but 127.0.0.1, and stops with the test.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from dataclasses import dataclass, field

CHUNK = 64 * 1024


@dataclass
class FaultProxy:
    upstream_port: int
    upstream_host: str = "127.0.0.1"
    port: int = 0
    blackholed: bool = False
    swallowed_bytes: int = 0
    _server: asyncio.base_events.Server | None = None
    _pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = field(default_factory=set)

    async def start(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self.reset_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def blackhole(self) -> None:
        self.blackholed = True

    def restore(self) -> None:
        self.blackholed = False

    def reset_all(self) -> None:
        """Abort every open connection with a TCP RST (SO_LINGER 0), both sides."""
        for client, upstream in list(self._pairs):
            for writer in (client, upstream):
                _abort(writer)
        self._pairs.clear()

    async def _accept(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
        except OSError:
            _abort(client_writer)
            return
        pair = (client_writer, upstream_writer)
        self._pairs.add(pair)
        try:
            await asyncio.gather(
                self._pump(client_reader, upstream_writer),
                self._pump(upstream_reader, client_writer),
            )
        finally:
            self._pairs.discard(pair)
            for writer in pair:
                _abort(writer)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                if self.blackholed:
                    self.swallowed_bytes += len(data)
                    continue
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            _abort(writer)


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with RST rather than FIN: the peer sees the connection cut, not ended."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    transport = writer.transport
    if not transport.is_closing():
        transport.abort()
