"""Concurrent students answering quizzes, from one asyncio event loop.

Each student is a coroutine with its own cookies that sends its answers in order, each exactly
once, on a fresh connection (gunicorn's sync workers close every connection after the
response), optionally pausing before each one like a student reading the next question.

Why not wrk or threads: on a 2-core machine the load generator shares the CPU with the server,
so it must be cheap. Threads with http.client cost more CPU per request than some of the pages
they measure and queue on the GIL, which lands in every latency. wrk is cheap but opens the next
connection as soon as a reply arrives; a student who is pausing (or finished) then holds an idle
connection that blocks a sync worker until the next request. Here a connection is opened only
to send an answer, and each request is pre-built bytes: the client spends a few hundred
microseconds per answer.
"""

import asyncio
import random
import time
from urllib.parse import urlencode

from bench.server import HarnessError

READ_LIMIT = 1 << 20  # no answer card comes near this


def request_bytes(host, port, cookie, answer):
    body = urlencode(answer.fields).encode()
    token = next((v for k, v in answer.fields if k == "csrfmiddlewaretoken"), "")
    head = (
        f"POST {answer.action} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "User-Agent: stressed-bench\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Cookie: {cookie}\r\n"
        f"X-CSRFToken: {token}\r\n"
        "HX-Request: true\r\n"
        # Django checks the Referer only on HTTPS; a browser sends it anyway.
        f"Referer: http://{host}:{port}/\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


async def send(host, port, payload, timeout):
    """(status, seconds) for one request on its own connection; the time runs from opening
    the connection to the last byte of the reply."""
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, limit=READ_LIMIT), timeout
    )
    try:
        writer.write(payload)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status = int(head.split(b" ", 2)[1])
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            None,
        )
        if length is None:
            await asyncio.wait_for(reader.read(), timeout)  # until the server closes
        else:
            await asyncio.wait_for(reader.readexactly(length), timeout)
        return status, time.perf_counter() - started
    finally:
        writer.close()


async def student(host, port, cookie, plan, think, seed, timeout):
    pauses = random.Random(seed)  # the same pauses on every run
    for answer in plan:
        if think:
            # Before the first answer too: students do not all click at the same moment.
            await asyncio.sleep(pauses.uniform(0, 2 * think))
        payload = request_bytes(host, port, cookie, answer)
        try:
            answer.status, answer.seconds = await send(host, port, payload, timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            answer.error = f"{type(error).__name__}: {error}"
            continue
        if not answer.ok:
            answer.error = f"HTTP {answer.status}"


def answer_all(host, port, clients, plans, think, timeout, request_timeout=30.0):
    """Every student's answers, all students at once; returns the wall-clock seconds."""

    async def main():
        students = [
            student(host, port, client.cookie_header(), plan, think, index, request_timeout)
            for index, (client, plan) in enumerate(zip(clients, plans, strict=True))
        ]
        await asyncio.wait_for(asyncio.gather(*students), timeout)

    started = time.perf_counter()
    try:
        asyncio.run(main())
    except TimeoutError as error:
        raise HarnessError(f"quiz answers did not finish within {timeout:.0f} s") from error
    return time.perf_counter() - started
