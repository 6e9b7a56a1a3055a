"""A passenger client of OpenSSH's ControlMaster protocol (PROTOCOL.mux), one process for many calls.

The benchmarks' peer that isolates OpenSSH's transport: each call asks a running master for a new
session channel, exactly as `ssh -S PATH host cmd` does, but without starting an ssh process per
call. Arguments: COMMAND CONTROL_PATH... . Requests come on stdin, one per line: `one I` runs
COMMAND on master I; `all` runs it on every master at once. Each reply is one line: the elapsed
nanoseconds, from connecting to the control socket to the last exit message, or `error TEXT`.
"""
import os
import selectors
import socket
import struct
import sys
import time

MUX_MSG_HELLO = 0x00000001
MUX_C_NEW_SESSION = 0x10000002
MUX_S_EXIT_MESSAGE = 0x80000004
MUX_S_SESSION_OPENED = 0x80000006
MUX_S_TTY_ALLOC_FAIL = 0x80000008
MUX_S_PERMISSION_DENIED = 0x80000002
MUX_S_FAILURE = 0x80000003


def string(data):
    return struct.pack(">I", len(data)) + data


def packet(body):
    return struct.pack(">I", len(body)) + body


class Session:
    """One passenger session on one master: hello, new session with our stdio, wait for the exit message."""

    def __init__(self, path, command, request_id, null):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.path = path
        self.command = command
        self.request_id = request_id
        self.null = null
        self.buffer = b""
        self.exit = None

    def hello(self):
        self.sock.sendall(packet(struct.pack(">II", MUX_MSG_HELLO, 4)))

    def read_hello(self):
        kind, body = self.read_message()
        if kind != MUX_MSG_HELLO:
            raise RuntimeError("master %s answered hello with %#x" % (self.path, kind))

    def request(self):
        body = struct.pack(">II", MUX_C_NEW_SESSION, self.request_id) + string(b"")
        body += struct.pack(">IIIII", 0, 0, 0, 0, 0xFFFFFFFF)  # tty, X11, agent, subsystem, no escape char
        body += string(b"") + string(self.command.encode())
        self.sock.sendall(packet(body))
        for fd in (self.null, self.null, self.null):  # stdin, stdout, stderr, as ssh -S sends its own
            socket.send_fds(self.sock, [b"\0"], [fd])

    def feed(self):
        """Reads what arrived; True once the exit message is in."""
        data = self.sock.recv(4096)
        if not data:
            raise RuntimeError("master %s closed the session without an exit message" % self.path)
        self.buffer += data
        while self.exit is None:
            message = self.take()
            if message is None:
                return False
            self.handle(*message)
        return True

    def take(self):
        if len(self.buffer) < 4:
            return None
        (length,) = struct.unpack(">I", self.buffer[:4])
        if len(self.buffer) < 4 + length:
            return None
        body = self.buffer[4:4 + length]
        self.buffer = self.buffer[4 + length:]
        return struct.unpack(">I", body[:4])[0], body[4:]

    def read_message(self):
        while True:
            message = self.take()
            if message is not None:
                return message
            data = self.sock.recv(4096)
            if not data:
                raise RuntimeError("master %s closed the control connection" % self.path)
            self.buffer += data

    def handle(self, kind, body):
        if kind == MUX_S_EXIT_MESSAGE:
            self.exit = struct.unpack(">II", body[:8])[1]
        elif kind in (MUX_S_PERMISSION_DENIED, MUX_S_FAILURE):
            raise RuntimeError("master %s refused the session: %s" % (self.path, body[8:].decode(errors="replace")))
        elif kind not in (MUX_S_SESSION_OPENED, MUX_S_TTY_ALLOC_FAIL):
            raise RuntimeError("master %s sent unexpected message %#x" % (self.path, kind))

    def close(self):
        self.sock.close()


def run(paths, command, null, request_id):
    """Runs command on every master in paths at once; elapsed nanoseconds until the last exit."""
    started = time.perf_counter_ns()
    sessions = [Session(path, command, request_id, null) for path in paths]
    try:
        for s in sessions:
            s.hello()
        for s in sessions:
            s.read_hello()
        for s in sessions:
            s.request()
        selector = selectors.DefaultSelector()
        pending = 0
        for s in sessions:
            # replies may already sit in the buffer after the hello
            while s.exit is None:
                message = s.take()
                if message is None:
                    break
                s.handle(*message)
            if s.exit is None:
                selector.register(s.sock, selectors.EVENT_READ, s)
                pending += 1
        while pending:
            ready = selector.select(120)
            if not ready:
                raise RuntimeError("%d session(s) did not end within 120 s" % pending)
            for key, _ in ready:
                if key.data.feed():
                    selector.unregister(key.fileobj)
                    pending -= 1
        took = time.perf_counter_ns() - started
        failed = [s for s in sessions if s.exit != 0]
        if failed:
            raise RuntimeError("%r exited with %d on %s" % (command, failed[0].exit, failed[0].path))
        return took
    finally:
        for s in sessions:
            s.close()


def main():
    command, paths = sys.argv[1], sys.argv[2:]
    null = os.open(os.devnull, os.O_RDWR)
    request_id = 0
    for line in sys.stdin:
        words = line.split()
        request_id += 1
        try:
            chosen = paths if words == ["all"] else [paths[int(words[1])]]
            print(run(chosen, command, null, request_id), flush=True)
        except Exception as e:  # reported to the benchmark, which fails with it
            print("error %s" % str(e).replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
