"""Run one Gigbox server process: daphne, with a graceful SIGTERM.

    python -m config.server --host 127.0.0.1 --port 8101 --name web1 --proxy-headers

What plain `daphne` does on SIGTERM (daphne 4.2, Twisted's default handlers): the reactor
stops at once, `Server.kill_all_applications` cancels every application coroutine and the
sockets are dropped without a close frame. Clients see 1006 (abnormal closure), sends that
were accepted but not yet committed are cancelled, and HTTP requests in flight are cut.

Here SIGTERM (or SIGINT) instead:
1. marks the process as shutting down (`config.lifecycle.is_shutting_down()`; /readyz
   answers 503) and stops listening, so the proxy sends new connections elsewhere;
2. runs the registered shutdown hooks in the event loop (DRAIN: the message writer commits
   and acks what it has; CLOSE: consumers close with 1001), within GIGBOX_SHUTDOWN_TIMEOUT
   seconds (default 10) in all;
3. waits for HTTP requests in flight, closes every WebSocket still open with 1001 (going
   away: clients reconnect through the proxy to another process and `sync`), waits briefly
   for the close handshakes and for the consumers' disconnect handlers;
4. stops the reactor. A second signal skips the waiting.

Every process also logs one line per WebSocket close (code, duration, request id), and
answers the WebSocket handshake with an X-Gigbox-Process header naming itself.

HTTP requests get daphne's `create_application` copied (`_create_http_application`), not
called: daphne makes the input queue and hands its `get` to the application inside that one
call, with no hook to supply another queue (config/http_body.py's BodyQueue). A test pins the
copied method's source (tests/security/test_upload_cost.py), so a daphne upgrade that changes
it fails until the copy is checked.
"""

# daphne.server installs Twisted's asyncio reactor: it must be imported before Twisted.
import daphne.server  # isort:skip

import argparse
import asyncio
import faulthandler
import logging
import os
import signal
import sys
import time
from functools import partial
from typing import Any

from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import defer, reactor

from config.http_body import BodyQueue, GigboxWebRequest

logger = logging.getLogger("gigbox.server")

DEFAULT_SHUTDOWN_TIMEOUT = 10.0
CLOSE_GOING_AWAY = 1001


# Close codes from RFC 6455 that a server may send. autobahn's sendClose() accepts only
# 1000 and 3000-4999, so under plain daphne `self.close(code=1001)` in a consumer raises
# "invalid close code" and the socket is never closed; the frame is sent directly here.
SERVER_CLOSE_CODES = {1001, 1002, 1003, 1007, 1008, 1009, 1011, 1012, 1013, 1014}


class GigboxWebSocketProtocol(WebSocketProtocol):
    """daphne's protocol, plus RFC close codes, a request id, a process header, a close log line."""

    request_id = ""

    def serverClose(self, code=None):
        if code in SERVER_CLOSE_CODES:
            self.sendCloseFrame(code=code, isReply=False)
        else:
            super().serverClose(code=code)

    def serverAccept(self, subprotocol=None):
        # autobahn takes (subprotocol, headers) from the handshake deferred.
        name = os.environ.get("GIGBOX_PROCESS_NAME", "")
        if name:
            self.handshake_deferred.callback((subprotocol, {"X-Gigbox-Process": name}))
            del self.handshake_deferred
        else:
            super().serverAccept(subprotocol)

    def onClose(self, wasClean, code, reason):
        super().onClose(wasClean, code, reason)
        from config.logging import log_socket_event

        log_socket_event(
            "closed",
            request_id=self.request_id,
            path=self.request.path if getattr(self, "request", None) else "",
            code=code,
            clean=bool(wasClean),
            duration_ms=round(self.duration() * 1000) if hasattr(self, "socket_opened") else None,
        )


class GracefulServer(daphne.server.Server):
    def __init__(
        self, *args: Any, shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT, **kwargs: Any
    ):
        # Our own signal handlers replace Twisted's (which stop the reactor at once).
        super().__init__(*args, signal_handlers=False, ready_callable=self._before_run, **kwargs)
        self.shutdown_timeout = shutdown_timeout
        self.ports: list[Any] = []
        self._stopping = False
        self._hurry = False

    # -- start ---------------------------------------------------------------------------

    def _before_run(self) -> None:
        """Called by Server.run() once the factories exist, just before the reactor runs."""
        self.ws_factory.protocol = GigboxWebSocketProtocol
        self.http_factory.buildProtocol = self._build_http_protocol
        loop = asyncio.get_event_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_signal, sig)

    def _build_http_protocol(self, addr):
        protocol = type(self.http_factory).buildProtocol(self.http_factory, addr)
        protocol.requestFactory = GigboxWebRequest
        return protocol

    def listen_success(self, port):
        self.ports.append(port)
        return super().listen_success(port)

    def create_application(self, protocol, scope):
        if scope.get("type") == "websocket":
            from config.logging import socket_request_id

            protocol.request_id = socket_request_id(scope)
        if scope.get("type") == "http" and isinstance(protocol, GigboxWebRequest):
            return self._create_http_application(protocol, scope)
        return super().create_application(protocol, scope)

    def _create_http_application(self, protocol: GigboxWebRequest, scope):
        """daphne's create_application (4.2), with a queue that reads the body from its
        file as the application asks (config/http_body.py)."""
        assert "application_instance" not in self.connections[protocol]
        queue = BodyQueue(protocol.take_body())
        scope.setdefault("asgi", {"version": "3.0"})
        instance = self.application(
            scope=scope, receive=queue.get, send=partial(self.handle_reply, protocol)
        )
        if protocol not in self.connections:
            return None
        self.connections[protocol]["application_instance"] = asyncio.ensure_future(
            instance, loop=asyncio.get_event_loop()
        )
        return queue

    # -- stop ----------------------------------------------------------------------------

    def _on_signal(self, sig: int) -> None:
        if self._stopping:
            logger.warning("shutdown: second %s, stopping now", signal.Signals(sig).name)
            self._hurry = True
            if reactor.running:
                reactor.stop()
            return
        self._stopping = True
        logger.info(
            "shutdown: %s received, draining (up to %.0f s)",
            signal.Signals(sig).name,
            self.shutdown_timeout,
        )
        asyncio.ensure_future(self.graceful_stop())

    async def graceful_stop(self) -> None:
        from config import lifecycle

        started = time.monotonic()
        deadline = started + self.shutdown_timeout
        try:
            lifecycle.begin_shutdown()
            await self._stop_listening()
            hooks_ok = await lifecycle.run_shutdown_hooks(timeout=self._left(deadline))
            await self._wait_for(self._http_in_flight, deadline)
            closed = self._close_websockets(CLOSE_GOING_AWAY)
            # Close handshakes, then the consumers' disconnect handlers (group_discard …).
            await self._wait_for(self._applications_running, min(deadline, time.monotonic() + 3))
            logger.info(
                "shutdown: done in %.2f s "
                "(hooks %s, %d socket(s) closed by the server, %d application(s) left)",
                time.monotonic() - started,
                "ok" if hooks_ok else "incomplete",
                closed,
                self._applications_running(),
            )
        except Exception:
            logger.exception("shutdown: draining failed; stopping anyway")
        finally:
            if reactor.running:
                reactor.stop()

    async def _stop_listening(self) -> None:
        waits = [defer.maybeDeferred(port.stopListening) for port in self.ports]
        if waits:
            await defer.gatherResults(waits, consumeErrors=True).asFuture(asyncio.get_event_loop())

    def _left(self, deadline: float) -> float:
        return 0.0 if self._hurry else max(0.0, deadline - time.monotonic())

    async def _wait_for(self, count, deadline: float) -> None:
        while count() and self._left(deadline) > 0:
            await asyncio.sleep(0.05)

    def _live(self):
        return [
            (protocol, details)
            for protocol, details in list(self.connections.items())
            if "disconnected" not in details
        ]

    def _http_in_flight(self) -> int:
        return sum(
            1
            for protocol, details in self._live()
            if not isinstance(protocol, WebSocketProtocol)
            and details.get("application_instance") is not None
            and not details["application_instance"].done()
        )

    def _applications_running(self) -> int:
        return sum(
            1
            for details in list(self.connections.values())
            if details.get("application_instance") is not None
            and not details["application_instance"].done()
        )

    def _close_websockets(self, code: int) -> int:
        closed = 0
        for protocol, _details in self._live():
            if not isinstance(protocol, WebSocketProtocol):
                continue
            try:
                if protocol.state == protocol.STATE_OPEN:
                    protocol.serverClose(code=code)
                    closed += 1
                elif protocol.state == protocol.STATE_CONNECTING and hasattr(
                    protocol, "handshake_deferred"
                ):
                    protocol.serverReject()
            except Exception:  # one odd socket must not keep the others open
                logger.exception("shutdown: could not close %r", protocol)
        return closed

    def kill_all_applications(self):
        # daphne's version indexes details["application_instance"], which is gone once an
        # application was reaped: a KeyError at exit. Same behaviour, without that.
        wait_for = []
        for details in self.connections.values():
            instance = details.get("application_instance")
            if instance is not None and not instance.done():
                instance.cancel()
                wait_for.append(instance)
        if wait_for:
            logger.warning(
                "shutdown: cancelled %d application instance(s) still running", len(wait_for)
            )
        deferred = defer.Deferred.fromFuture(asyncio.gather(*wait_for))
        deferred.addErrback(lambda _: None)
        return deferred


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m config.server", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--name",
        default="",
        help="process name for logs and X-Gigbox-Process (sets GIGBOX_PROCESS_NAME)",
    )
    parser.add_argument(
        "--application",
        default="config.asgi:application",
        help="ASGI application (tests use their own)",
    )
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-Proto (only behind the proxy; bind to loopback then); the "
        "client address is trusted from GIGBOX_TRUSTED_PROXIES only (config/client_address.py)",
    )
    parser.add_argument(
        "--shutdown-timeout",
        type=float,
        default=float(os.environ.get("GIGBOX_SHUTDOWN_TIMEOUT") or DEFAULT_SHUTDOWN_TIMEOUT),
    )
    return parser.parse_args(argv)


# Objects allocated between two collections of the youngest generation (CPython: 700). Each
# socket keeps hundreds of objects alive, so at 700 the collector runs every few messages and
# its older generations walk every socket's objects, pausing the event loop. Cycles are still
# collected, a little later.
GC_YOUNG_THRESHOLD = 10_000


def warm_up() -> None:
    """Before the first connection: the contact detector's lazy loads, then the objects that
    live as long as the process are moved out of the garbage collector's sight (gc.freeze),
    so that its full collections do not walk Django's and the detector's tables; and the
    collector runs less often (GC_YOUNG_THRESHOLD)."""
    import gc

    from core.contact import warm_up as warm_up_detector

    warm_up_detector()
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # `kill -USR1 <pid>` prints every thread's stack to stderr: for a process that hangs.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    if args.name:
        os.environ["GIGBOX_PROCESS_NAME"] = args.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    from config.env import SettingsError

    try:
        django.setup()  # applies settings.LOGGING before anything logs
    except SettingsError as error:
        print(f"Gigbox configuration error: {error}", file=sys.stderr)
        return 2

    from asgiref.compatibility import guarantee_single_callable
    from daphne.utils import import_by_path

    application = guarantee_single_callable(import_by_path(args.application))
    warm_up()
    server = build_server(args, application)
    logger.info(
        "starting %s on %s:%s (pid %d)", args.name or "server", args.host, args.port, os.getpid()
    )
    server.run()
    code = 1 if server.abort_start else 0
    # Exit without joining the thread pools: after the drain, a worker thread still stuck in
    # I/O (a Redis or database call) holds nothing committed, and would otherwise keep the
    # process alive past the supervisor's stop timeout (seen: a 2 s Redis read).
    logging.shutdown()
    os._exit(code)


def build_server(args: argparse.Namespace, application: Any) -> GracefulServer:
    """The graceful daphne server of one process, listening on `args.host:args.port`."""
    return GracefulServer(
        application=application,
        # Twisted listens with a backlog of 50, too few for a burst of reconnecting sockets
        # on a busy process: their handshakes would fail.
        endpoints=[f"tcp:port={args.port}:interface={args.host}:backlog=1024"],
        shutdown_timeout=args.shutdown_timeout,
        # autobahn drops a socket whose opening handshake takes over 5 s (daphne's default):
        # on a busy process the accept waits for the database thread (session, user, opening
        # state), and connects failed silently. daphne's own connect timeout is 20 s.
        websocket_handshake_timeout=20,
        # The client's address is config.client_address's (GIGBOX_TRUSTED_PROXIES): daphne's
        # option believed the leftmost X-Forwarded-For, which the client writes.
        proxy_forwarded_address_header=None,
        proxy_forwarded_port_header=None,
        proxy_forwarded_proto_header="X-Forwarded-Proto" if args.proxy_headers else None,
        server_name="gigbox",
    )


if __name__ == "__main__":
    sys.exit(main())
