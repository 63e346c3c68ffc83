/*
 * trace_out.c: a machine's trace as text (for people) or one JSON object
 * per line (for scripts).  Log text is untrusted: JSON strings escape
 * quotes, backslashes, control bytes and every byte past ASCII (read as
 * Latin-1, so invalid UTF-8 in a log still makes valid JSON); the text
 * form shows control bytes as '?', so a log line cannot move the
 * terminal's cursor.
 */

#include <stdio.h>
#include <string.h>

#include "pxekit_private.h"
#include "trace_int.h"

static int
add_json_str(pxe_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char     c;
    size_t            i;
    int               rc = pxe_buf_addc(b, '"');

    for (i = 0; i < n && rc == PXE_OK; i++) {
        c = (unsigned char) s[i];
        if (c == '"' || c == '\\') {
            rc = pxe_buf_addc(b, '\\');
            if (rc == PXE_OK) {
                rc = pxe_buf_addc(b, (char) c);
            }
        } else if (c < 0x20 || c >= 0x7f) {
            char esc[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15],
                            '\0' };
            rc = pxe_buf_add(b, esc, 6);
        } else {
            rc = pxe_buf_addc(b, (char) c);
        }
    }
    return rc == PXE_OK ? pxe_buf_addc(b, '"') : rc;
}

static int
add_text(pxe_buf_t *b, const char *s, size_t n)
{
    size_t i;
    int    rc = PXE_OK;

    for (i = 0; i < n && rc == PXE_OK; i++) {
        unsigned char c = (unsigned char) s[i];

        rc = pxe_buf_addc(b, c < 0x20 || c == 0x7f ? '?' : (char) c);
    }
    return rc;
}

int
pxe_tr_step_what(const tr_step_t *st, pxe_buf_t *out)
{
    const tr_event_t *ev = st->ev;
    const char       *text = ev->text != NULL ? ev->text : "";

    switch (ev->kind) {
    case TR_DECISION:
        return pxe_buf_printf(out, "rule %d (%s): file %s", ev->rule,
                              ev->cls, text[0] != '\0' ? text : "(none)");
    case TR_NOMATCH:
        return pxe_buf_printf(out, "%s client matched no rule", ev->cls);
    case TR_RRQ:
        if (ev->text2 != NULL) {
            return pxe_buf_printf(out, "RRQ %s (remapped to %s)", text,
                                  ev->text2);
        }
        return pxe_buf_printf(out, "RRQ %s", text);
    case TR_NAK:
        return pxe_buf_printf(out, "request refused: %s", text);
    case TR_HTTP:
        if (st->count > 1) {
            return pxe_buf_printf(out, "%s %s (%zu ranged reads)", ev->text2,
                                  text, st->count);
        }
        return pxe_buf_printf(out, "%s %s", ev->text2, text);
    default:
        return pxe_buf_adds(out, text);
    }
}

int
pxe_tr_step_status(const tr_step_t *st, pxe_buf_t *out)
{
    const tr_event_t *end = st->end;

    switch (st->server) {
    case TR_DHCP:
        return pxe_buf_adds(out, st->outcome == TR_OUT_NORULE ? "no-match"
                                                              : "ok");
    case TR_TFTP:
        if (end == NULL) {
            return pxe_buf_adds(out, "sent");
        }
        if (end->kind == TR_NAK) {
            return pxe_buf_printf(out, "NAK %d %s", end->status,
                                  end->text != NULL ? end->text : "");
        }
        return pxe_buf_printf(out, "aborted: %s",
                              end->text != NULL ? end->text : "");
    default:
        if (st->outcome == TR_OUT_STALLED && st->ev->length >= 0) {
            return pxe_buf_printf(out, "%d cut short", st->ev->status);
        }
        return pxe_buf_printf(out, "%d", st->ev->status);
    }
}

static const char *
server_key(tr_server_e s)
{
    return s == TR_DHCP ? "dhcp" : s == TR_TFTP ? "tftp" : "http";
}

/* what, then status, into two scratch buffers. */
static int
describe(const tr_step_t *st, pxe_buf_t *what, pxe_buf_t *status)
{
    int rc;

    pxe_buf_reset(what);
    pxe_buf_reset(status);
    rc = pxe_tr_step_what(st, what);
    if (rc == PXE_OK) {
        rc = pxe_tr_step_status(st, status);
    }
    return rc;
}

static int
render_json(const tr_machine_t *m, const tr_verdict_t *v, pxe_buf_t *out,
    pxe_buf_t *what, pxe_buf_t *status)
{
    const tr_step_t *st;
    char             tm[32];
    size_t           i;
    int              rc;

    rc = pxe_buf_adds(out, "{\"mac\":");
    if (rc == PXE_OK) {
        rc = m->mac[0] != '\0' ? add_json_str(out, m->mac, strlen(m->mac))
                               : pxe_buf_adds(out, "null");
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, ",\"ips\":[");
    }
    for (i = 0; i < m->nips && rc == PXE_OK; i++) {
        if (i > 0) {
            rc = pxe_buf_addc(out, ',');
        }
        if (rc == PXE_OK) {
            rc = add_json_str(out, m->ips[i], strlen(m->ips[i]));
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "],\"steps\":[");
    }
    for (i = 0; i < m->nsteps && rc == PXE_OK; i++) {
        st = &m->steps[i];
        pxe_tr_format_time(st->ev->time, tm, sizeof(tm));
        rc = describe(st, what, status);
        if (rc == PXE_OK) {
            rc = pxe_buf_printf(out, "%s{\"time\":\"%s\",\"server\":\"%s\","
                                "\"what\":", i > 0 ? "," : "", tm,
                                server_key(st->server));
        }
        if (rc == PXE_OK) {
            rc = add_json_str(out, what->data, what->len);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, ",\"status\":");
        }
        if (rc == PXE_OK) {
            rc = add_json_str(out, status->data, status->len);
        }
        if (rc == PXE_OK && st->server == TR_DHCP && st->ip >= 0) {
            rc = pxe_buf_adds(out, ",\"ip\":");
            if (rc == PXE_OK) {
                rc = add_json_str(out, m->ips[st->ip],
                                  strlen(m->ips[st->ip]));
            }
        }
        if (rc == PXE_OK) {
            rc = st->server == TR_HTTPS
                 ? pxe_buf_printf(out, ",\"bytes\":%lld}", st->bytes)
                 : pxe_buf_adds(out, ",\"bytes\":null}");
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "],\"last\":");
    }
    if (rc == PXE_OK) {
        if (v->last < m->nsteps) {
            st = &m->steps[v->last];
            rc = describe(st, what, status);
            if (rc == PXE_OK) {
                rc = pxe_buf_printf(what, " (%s %s)", server_key(st->server),
                                    status->data);
            }
            if (rc == PXE_OK) {
                rc = add_json_str(out, what->data, what->len);
            }
        } else {
            rc = pxe_buf_adds(out, "null");
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, ",\"stopped\":\"%s\",\"reason\":",
                            v->stopped);
    }
    if (rc == PXE_OK) {
        rc = add_json_str(out, v->reason, strlen(v->reason));
    }
    return rc == PXE_OK ? pxe_buf_adds(out, "}\n") : rc;
}

static int
render_text(const tr_machine_t *m, const tr_verdict_t *v, pxe_buf_t *out,
    pxe_buf_t *what, pxe_buf_t *status)
{
    const tr_step_t *st;
    char             tm[32];
    size_t           i;
    int              rc;

    rc = pxe_buf_printf(out, "%s", m->mac[0] != '\0' ? m->mac
                                                     : "(MAC unknown)");
    for (i = 0; i < m->nips && rc == PXE_OK; i++) {
        rc = pxe_buf_printf(out, "%s%s", i == 0 ? "  " : ", ", m->ips[i]);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_addc(out, '\n');
    }
    for (i = 0; i < m->nsteps && rc == PXE_OK; i++) {
        st = &m->steps[i];
        pxe_tr_format_time(st->ev->time, tm, sizeof(tm));
        rc = describe(st, what, status);
        if (rc == PXE_OK) {
            rc = pxe_buf_printf(out, "  %s %-4s ", tm, server_key(st->server));
        }
        if (rc == PXE_OK) {
            rc = add_text(out, what->data, what->len);
        }
        if (rc == PXE_OK && st->server == TR_DHCP && st->ip >= 0) {
            rc = pxe_buf_printf(out, ", address %s", m->ips[st->ip]);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, "  ");
        }
        if (rc == PXE_OK) {
            rc = add_text(out, status->data, status->len);
        }
        if (rc == PXE_OK && st->server == TR_HTTPS) {
            rc = pxe_buf_printf(out, ", %lld bytes", st->bytes);
            if (rc == PXE_OK && st->ev->rtime >= 0 && st->count == 1) {
                rc = pxe_buf_printf(out, ", %.3f s", st->ev->rtime);
            }
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_addc(out, '\n');
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, "  stopped: %s: ", v->stopped);
    }
    if (rc == PXE_OK) {
        rc = add_text(out, v->reason, strlen(v->reason));
    }
    return rc == PXE_OK ? pxe_buf_adds(out, "\n\n") : rc;
}

int
pxe_tr_render(const tr_machine_t *m, const tr_verdict_t *v, int json,
    pxe_buf_t *out)
{
    pxe_buf_t what, status;
    int       rc;

    pxe_buf_init(&what, 4 * TR_TEXT_MAX, NULL);
    pxe_buf_init(&status, 4 * TR_TEXT_MAX, NULL);
    rc = json ? render_json(m, v, out, &what, &status)
              : render_text(m, v, out, &what, &status);
    pxe_buf_free(&what);
    pxe_buf_free(&status);
    return rc;
}
