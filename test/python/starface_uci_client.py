#!/usr/bin/env python3
"""A STARFACE UCI client written the way public clients for a real PBX are, with Python's standard library only.

It signs in with the SHA-512 token in the query (de.vertico.starface.auth), names its own XML-RPC server as the
callback (de.vertico.starface.callback.*), registers callback handlers that take exactly ONE struct (as a real
PBX sends), asks for the server version before logging in (as MXH's click-to-dial script does), subscribes with one
plain string (as SPICE and ESPO do), and speaks v20 (vertico's UCP client) in a second session.

The test (test/simulator/uci-python-client.test.ts) drives it over stdin, one JSON command per line, and reads
one JSON object per line from stdout: answers to commands and, as they arrive, {"event": method, ...}.
Nothing here knows about the simulator: no headers are read, no extra params accepted.
"""
import hashlib
import json
import sys
import threading
import urllib.parse
import xmlrpc.client
from datetime import datetime, timedelta, timezone
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

OUT_LOCK = threading.Lock()


def emit(obj):
    with OUT_LOCK:
        sys.stdout.write(json.dumps(obj, default=str) + "\n")
        sys.stdout.flush()


def uci_token(login, password):
    inner = hashlib.sha512(password.encode()).hexdigest()
    return login + ":" + hashlib.sha512((login + "*" + inner).encode()).hexdigest()


class QuietHandler(SimpleXMLRPCRequestHandler):
    # The PBX appends ?de.vertico.starface.user=… to the callback path; accept any path and report the query.
    rpc_paths = ()

    def is_rpc_path_valid(self):
        return True

    def log_message(self, *args):
        pass

    def do_POST(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        CallbackQueries.seen.append({k: v[0] for k, v in query.items()})
        super().do_POST()


class CallbackQueries:
    seen = []


def start_callback_server():
    server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=QuietHandler, logRequests=False, allow_none=False)

    def on_event(method):
        # Exactly one parameter: a handler for a real PBX. An extra parameter makes Python answer a fault.
        def handler(struct):
            if not isinstance(struct, dict):
                raise TypeError("expected one struct")
            emit({"event": method, "struct": struct})
            return ""

        return handler

    for method in (
        "ucp.v22.events.call.receiveCallState",
        "ucp.v22.events.userState.receiveUserState",
        "ucp.v30.events.call.receiveCallState",
        "ucp.v20.client.communication.call.receiveCallState",
    ):
        server.register_function(on_event(method), method)

    def reset():
        emit({"event": "ucp.v20.client.connection.reset"})
        return ""

    server.register_function(reset, "ucp.v20.client.connection.reset")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def proxy(pbx, login, password, callback_port, path):
    query = urllib.parse.urlencode(
        {
            "de.vertico.starface.auth": uci_token(login, password),
            "de.vertico.starface.callback.type": "http",
            "de.vertico.starface.callback.host": "127.0.0.1",
            "de.vertico.starface.callback.port": str(callback_port),
            "de.vertico.starface.callback.path": path,
        }
    )
    return xmlrpc.client.ServerProxy(pbx.rstrip("/") + "/xml-rpc?" + query, allow_none=False)


def call(server, name, *params):
    """One method call: its result, or the fault's code and string."""
    try:
        result = getattr(server, name)(*params)
        return {"ok": True, "result": result}
    except xmlrpc.client.Fault as fault:
        return {"ok": False, "faultCode": fault.faultCode, "faultString": fault.faultString}


def every_method(server, first_phone, first_key, first_group, first_redirect):
    """Every v20/v22/v30 method of the fact sheet whose params it shows, called once (starface-uci-methods.md §2)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    week = now - timedelta(days=7)
    calls = [
        ("ucp.v22.requests.connection.keepAlive",),
        ("ucp.v30.requests.connection.keepAlive",),
        ("ucp.v22.requests.service.getProvidedEvents",),
        ("ucp.v22.requests.service.getProvidedRequests",),
        ("ucp.v22.requests.service.providesEvents", "ucp.v22.events.call"),
        ("ucp.v22.requests.service.providesRequests", "ucp.v30.requests.callList.getCallList"),
        ("ucp.v22.requests.call.getCallIds",),
        ("ucp.v30.requests.call.getCallIds",),
        ("ucp.v22.requests.call.getCallState", "no-such-call"),
        ("ucp.v22.requests.phone.getPhoneIds",),
        ("ucp.v22.requests.phone.getPrimaryPhoneId",),
        ("ucp.v22.requests.phone.setPrimaryPhoneId", first_phone),
        ("ucp.v22.requests.phone.getAvailableDisplayNumbers",),
        ("ucp.v22.requests.phone.getDisplayNumberId",),
        ("ucp.v22.requests.phone.getCallWaitingIndication",),
        ("ucp.v22.requests.phone.setCallWaitingIndication", True),
        ("ucp.v22.requests.userState.getUserState",),
        ("ucp.v30.requests.userState.getUserState",),
        ("ucp.v22.requests.userState.setChatPresenceMessage", "Back at 3"),
        ("ucp.v22.requests.userState.getAvatarImage",),
        ("ucp.v22.requests.group.getGroupSettings",),
        ("ucp.v22.requests.group.setGroupSetting", first_group, True),
        ("ucp.v22.requests.redirect.getRedirectSettings",),
        ("ucp.v22.requests.redirect.setRedirectSetting", {"id": first_redirect, "enabled": False}),
        ("ucp.v22.requests.functionKey.getFunctionKeys",),
        ("ucp.v30.requests.functionKey.getFunctionKeys",),
        ("ucp.v22.requests.functionKey.getContactInfoForKey", first_key),
        ("ucp.v22.requests.functionKey.getCallInfoForKey", first_key),
        ("ucp.v22.requests.functionKey.getImageForKey", first_key),
        ("ucp.v22.requests.voicemailList.getMailboxes",),
        ("ucp.v22.requests.voicemailList.getVoicemailList", now, week, "", "", "startTime", "DESCENDING", 0, 10),
        ("ucp.v30.requests.callList.getCallList", now, week, "", "", "NON_GROUP", "startTime", "DESCENDING", 0, 100),
        ("ucp.v30.requests.system.getServerVersion",),
        # Known to STARFACE, not simulated: a fault that says so.
        ("ucp.v22.requests.fax.getFaxIds",),
    ]
    return [{"method": c[0], **call(server, *c)} for c in calls]


def main():
    args = json.loads(sys.argv[1])
    pbx, login, password = args["pbx"], args["login"], args["password"]
    server = start_callback_server()
    port = server.server_address[1]
    v22 = proxy(pbx, login, password, port, "/uci/v22")
    v20 = proxy(pbx, login, password, port, "/uci/v20")

    # MXH asks for the version first, before any login.
    emit({"step": "version-before-login", **call(v22, "ucp.v30.requests.system.getServerVersion")})
    emit({"step": "keepalive-before-login", **call(v22, "ucp.v22.requests.connection.keepAlive")})
    emit({"step": "login", **call(v22, "ucp.v22.requests.connection.login")})
    emit({"step": "subscribe-call", **call(v22, "ucp.v22.requests.service.subscribeEvents", "ucp.v22.events.call")})
    emit(
        {
            "step": "subscribe-user-state",
            **call(v22, "ucp.v22.requests.service.subscribeEvents", "ucp.v22.events.userState"),
        }
    )
    emit({"step": "v20-login", **call(v20, "ucp.v20.server.connection.login")})
    emit(
        {
            "step": "v20-provide",
            **call(
                v20,
                "ucp.v20.server.connection.setProvidedServices",
                ["ucp.v20.client.communication.call", "ucp.v20.client.connection"],
            ),
        }
    )
    emit({"step": "v20-probe", **call(v20, "ucp.v20.server.connection.probe")})
    emit({"step": "v20-phones", **call(v20, "ucp.v20.server.communication.call.getPhoneIds")})
    emit({"step": "v20-call-ids", **call(v20, "ucp.v20.server.communication.call.getCallIds")})
    emit({"step": "v20-unknown-call", **call(v20, "ucp.v20.server.communication.call.getCallState", "nope")})
    emit({"step": "ready", "callbackPort": port})

    for line in sys.stdin:
        cmd = json.loads(line)
        what = cmd["cmd"]
        if what == "every-method":
            emit({"step": what, "calls": every_method(v22, cmd["phone"], cmd["key"], cmd["group"], cmd["redirect"])})
        elif what == "call":
            emit({"step": what, **call(v22, cmd["method"], *cmd.get("params", []))})
        elif what == "v20-call":
            emit({"step": what, **call(v20, cmd["method"], *cmd.get("params", []))})
        elif what == "journal":
            now = datetime.now(timezone.utc) + timedelta(minutes=1)
            emit(
                {
                    "step": what,
                    **call(
                        v22,
                        "ucp.v30.requests.callList.getCallList",
                        now,
                        now - timedelta(days=1),
                        "",
                        "",
                        "",
                        "startTime",
                        "DESCENDING",
                        0,
                        100,
                    ),
                }
            )
        elif what == "callback-queries":
            emit({"step": what, "queries": CallbackQueries.seen})
        elif what == "logout":
            emit({"step": "logout", **call(v22, "ucp.v22.requests.connection.logout")})
            emit({"step": "keepalive-after-logout", **call(v22, "ucp.v22.requests.connection.keepAlive")})
        elif what == "quit":
            emit({"step": "bye"})
            return


if __name__ == "__main__":
    main()
