"""Serve the bookshop with uvicorn on 127.0.0.1 at a port the OS picks: ``python -m tests.upgrade.serve``.

Run by each side's own interpreter, from the repository root. The socket is bound here,
before uvicorn starts, and its port is the first line written to stdout, so that the
parent knows where to go without racing another process for a port it guessed.
"""

import socket

import uvicorn


def main() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(
        "tests.upgrade.service:app", log_level="warning", access_log=False, lifespan="on"
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
