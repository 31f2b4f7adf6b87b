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


def every_method(server, v20, ids):
    """Every v20/v22/v30 method of the fact sheet whose params it shows, called once (starface-uci-methods.md §2).

    `ids` names things of the signed-in user's PBX (a phone, a key, a group, a redirect, a display number, a
    voicemail entry, a journal entry). Calls that need an earlier answer (hangupCall needs placeCall's id) chain.
    """
    now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=1)
    week = now - timedelta(days=7)
    results = []

    def one(srv, name, *params):
        results.append({"method": name, **call(srv, name, *params)})
        return results[-1]

    one(server, "ucp.v22.requests.connection.keepAlive")
    one(server, "ucp.v30.requests.connection.keepAlive")
    one(server, "ucp.v22.requests.service.getProvidedEvents")
    one(server, "ucp.v22.requests.service.getProvidedRequests")
    one(server, "ucp.v22.requests.service.providesEvents", "ucp.v22.events.call")
    one(server, "ucp.v22.requests.service.providesRequests", "ucp.v30.requests.callList.getCallList")
    one(server, "ucp.v22.requests.call.getCallIds")
    one(server, "ucp.v30.requests.call.getCallIds")
    one(server, "ucp.v22.requests.call.getCallState", "no-such-call")
    placed = one(server, "ucp.v22.requests.call.placeCallWithPhone", ids["dial"], "", "")
    if placed["ok"]:
        one(server, "ucp.v22.requests.call.getCallState", placed["result"])
        one(server, "ucp.v22.requests.call.hangupCall", placed["result"])
    placed20 = one(v20, "ucp.v20.server.communication.call.placeCall", ids["dial"], "", "")
    if placed20["ok"] and placed20["result"]:
        one(v20, "ucp.v20.server.communication.call.hangupCall", placed20["result"])
    one(server, "ucp.v22.requests.phone.getPhoneIds")
    one(server, "ucp.v22.requests.phone.getPrimaryPhoneId")
    one(server, "ucp.v22.requests.phone.setPrimaryPhoneId", ids["phone"])
    one(server, "ucp.v22.requests.phone.getAvailableDisplayNumbers")
    one(server, "ucp.v22.requests.phone.getDisplayNumberId")
    one(server, "ucp.v22.requests.phone.setDisplayNumberId", ids["displayNumber"])
    one(server, "ucp.v22.requests.phone.getCallWaitingIndication")
    one(server, "ucp.v22.requests.phone.setCallWaitingIndication", True)
    one(server, "ucp.v22.requests.userState.getUserState")
    one(server, "ucp.v30.requests.userState.getUserState")
    one(server, "ucp.v22.requests.userState.setDoNotDisturbSetting", False)
    one(server, "ucp.v22.requests.userState.setChatPresenceMessage", "Back at 3")
    one(server, "ucp.v22.requests.userState.getAvatarImage")
    one(server, "ucp.v22.requests.group.getGroupSettings")
    one(server, "ucp.v22.requests.group.setGroupSetting", ids["group"], True)
    one(server, "ucp.v22.requests.group.setGroupSettings", [{"groupId": ids["group"], "active": True}])
    one(server, "ucp.v22.requests.redirect.getRedirectSettings")
    one(server, "ucp.v22.requests.redirect.setRedirectSetting", {"id": ids["redirect"], "enabled": False})
    one(server, "ucp.v22.requests.redirect.setRedirectSettings", [{"id": ids["redirect"], "enabled": False}])
    one(server, "ucp.v22.requests.functionKey.getFunctionKeys")
    one(server, "ucp.v30.requests.functionKey.getFunctionKeys")
    one(server, "ucp.v22.requests.functionKey.getContactInfoForKey", ids["key"])
    one(server, "ucp.v22.requests.functionKey.getCallInfoForKey", ids["key"])
    one(server, "ucp.v22.requests.functionKey.getImageForKey", ids["key"])
    one(server, "ucp.v22.requests.functionKey.getRedirectSettingsForKey", ids["key"])
    one(server, "ucp.v22.requests.functionKey.pressKey", ids["key"])
    one(server, "ucp.v22.requests.voicemailList.getMailboxes")
    one(server, "ucp.v22.requests.voicemailList.getVoicemailList", now, week - timedelta(days=3650), "", "", "startTime", "DESCENDING", 0, 10)
    one(server, "ucp.v22.requests.voicemailList.deleteVoicemailListEntry", ids["voicemail"])
    one(server, "ucp.v22.requests.voicemailList.deleteVoicemailListEntries", [])
    one(server, "ucp.v30.requests.callList.getCallList", now, week, "", "", "NON_GROUP", "startTime", "DESCENDING", 0, 100)
    one(server, "ucp.v22.requests.callList.getCallList", now, week, "OUTBOUND", "ANSWERED", "", "startTime", "DESCENDING", 0, 100)
    one(server, "ucp.v30.requests.callList.deleteCallListEntry", ids["journal"])
    one(server, "ucp.v30.requests.callList.deleteCallListEntries", [])
    one(server, "ucp.v30.requests.system.getServerVersion")
    one(server, "ucp.v22.requests.service.unsubscribeEvents", "ucp.v22.events.userState")
    # Known to STARFACE, not simulated: a fault that says so.
    one(server, "ucp.v22.requests.fax.getFaxIds")
    return results


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
            emit({"step": what, "calls": every_method(v22, v20, cmd["ids"])})
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
