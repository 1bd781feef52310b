"""The no-network guard itself must bite, or the suite proves nothing."""

from __future__ import annotations

import socket

import pytest


def test_outbound_connections_are_refused_and_recorded(no_network):
    with pytest.raises(RuntimeError, match="network connection attempted"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert no_network == [("127.0.0.1", 9)]
    no_network.clear()  # this test expects the attempt; others must make none


def test_unix_sockets_still_work():
    left, right = socket.socketpair()
    left.sendall(b"ok")
    assert right.recv(2) == b"ok"
    left.close()
    right.close()
