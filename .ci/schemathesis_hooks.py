"""Schemathesis hooks for .ci/schemathesis: the rules of the API that its OpenAPI document does
not state, each named here. For a positive (schema-valid) case, each hook makes the generated
request obey one such rule, so that the positive-data check (`positive_data_acceptance`) judges
everything else; negative cases are left as generated.

1. Check digits of documents. A CPF's two check digits and a CNPJ's are computed from the rest
   (modulo 11); a pattern cannot state them. Every field named `*document` gets the check digits
   its first digits call for (and a CPF or CNPJ of one repeated digit, which the Receita Federal
   never issues, becomes another).
2. Headers that come together. A product acting for a user sends `x-product-uuid` and
   `x-product-target-user-uuid` both or neither; OpenAPI has no rule between parameters. A lone
   one is dropped.
3. Ranges given by two parameters or fields: `from` not after `to`, `min_amount` not above
   `max_amount`, an authorization's `start_date` not after its `end_date` and its floor not
   above the payer's maximum (the pair is put in order); an authorization has a fixed `value`
   or a `floor_max_value`, not both (the floor is dropped).
4. A field accepted only with a given status: a payment's `end_to_end_id` only with
   `COMPLETED`, a refund's `reason` only with `NOT_DONE` (dropped otherwise).
5. An uploaded file's content: a schema says `file` is bytes, not that they are a CSV, JSON or
   CNAB file of `file_type`. The bytes become a small file of that type.
6. A BR Code's CRC and structure: `qr_code_data` becomes a real, valid code.
7. Times relative to now: an authorization's `request_expiration_date` must be in the future.
8. Parameters that go with others: `awaiting_days` only with `awaiting_return=true`; an
   export's `service` only with `format=cnab240`, `mark_sent` only with a CNAB format, and the
   institution each CNAB format is written for (`debtor_ispb` of a bank in the participants
   table for cnab240, `creditor_ispb` 60746948, Bradesco, for cnab400).
9. A discount below the payment's amount: each discount's `amount` is brought under it.
10. An `Idempotency-Key` names one request: reused with another body it is refused (422), so
    each positive case gets a key of its own.
11. A refund ended `NOT_DONE` says why: `reason` is required with it.
12. A QR code's fields follow its `type`: a STATIC code takes no dates, charges or debtor, a
    dynamic one needs an amount and a future `expires_at`, a DUE_DATE one a `due_date` from
    today and no `expires_at`; each type's txid length (STATIC and IMMEDIATE 1-25, DYNAMIC 1-35,
    DUE_DATE 26-35); a static code's payload leaves the description only what the key does not
    take; a discount below the amount; a debtor's name only with its document; and a Pix key's
    own syntax (a CPF or CNPJ key's check digits, an e-mail, a +55 phone, a UUID); and text a
    BR Code can carry (ASCII, and letters whose accents fold to it; a symbol such as `®` has no
    ASCII form). The case is brought under the rules of its type.
13. A date inside an identifier exists: an end-to-end id's `yyyyMMdd` (the pattern allows
    day 31 of every month) gets a day the month has.
14. A schedule's fields follow its `type` (`day_of_month` for MONTHLY only and required there,
    `day_of_week` for WEEKLY likewise), its `time_zone` is a name of the IANA database, and its
    first date is ahead of now with its end date not before it.
"""
import uuid
import datetime
import pathlib

import schemathesis


def _check_digit(values, weights):
    rest = sum(v * w for v, w in zip(values, weights)) % 11
    return 0 if rest < 2 else 11 - rest


def _cpf(text):
    body = [int(c) for c in text[:9]]
    if len(set(body)) == 1:
        body[0] = (body[0] + 1) % 10
    for size in (9, 10):
        body.append(_check_digit(body[:size], range(size + 1, 1, -1)))
    return "".join(map(str, body))


def _cnpj(text):
    body = [ord(c) - 48 for c in text[:12]]
    if len(set(body)) == 1:
        body[0] = (body[0] + 1) % 10
    for size in (12, 13):
        body.append(_check_digit(body[:size], [2 + k % 8 for k in range(size - 1, -1, -1)]))
    return "".join(chr(v + 48) for v in body)


def _with_check_digits(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("document") and isinstance(item, str):
                if len(item) == 11 and item.isdigit():
                    value[key] = _cpf(item)
                elif len(item) == 14 and item[12:].isdigit() and all(c.isdigit() or "A" <= c <= "Z" for c in item[:12]):
                    value[key] = _cnpj(item)
            else:
                _with_check_digits(item)
    elif isinstance(value, list):
        for item in value:
            _with_check_digits(item)


ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = {
    "CSV": b"debtor_ispb,creditor_ispb,amount\n12345678,87654321,1500\n",
    "JSON": b'[{"debtor_ispb": "12345678", "creditor_ispb": "87654321", "amount": 1500}]',
    "CNAB240": (ROOT / "corpus/cnab/itau-341_cnab240_sispag_remessa_pix-A-B_pix70284_anonymized.txt").read_bytes(),
    "CNAB400": (ROOT / "corpus/cnab/santander-033_cnab400_cobranca_remessa_pix-tipo8_brcobranca.rem").read_bytes(),
}
BR_CODE = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"


def _ordered(mapping, low, high):
    if isinstance(mapping, dict) and low in mapping and high in mapping:
        try:
            if mapping[low] > mapping[high]:
                mapping[low], mapping[high] = mapping[high], mapping[low]
        except TypeError:
            pass


BRASILIA = datetime.timezone(datetime.timedelta(hours=-3))


def _qr_code_for_its_type(body):
    kind = body.get("type")
    dated = ("due_date", "days_after_due", "fine", "interest", "discount")
    if kind == "STATIC":
        for field in dated + ("expires_at", "debtor_document", "debtor_name"):
            body.pop(field, None)
    elif kind in ("IMMEDIATE", "DYNAMIC"):
        for field in dated:
            body.pop(field, None)
        if "expires_at" in body:
            later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
            body["expires_at"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif kind == "DUE_DATE":
        body.pop("expires_at", None)
        body["due_date"] = (datetime.datetime.now(BRASILIA).date() + datetime.timedelta(days=5)).isoformat()
    if kind in ("IMMEDIATE", "DYNAMIC", "DUE_DATE") and body.get("amount") is None:
        body["amount"] = 1000
    if isinstance(body.get("tx_id"), str):
        length = {"STATIC": 25, "IMMEDIATE": 25, "DYNAMIC": 32, "DUE_DATE": 32}.get(kind, 25)
        body["tx_id"] = uuid.uuid4().hex[:length]
    if "pix_key" in body:
        body["pix_key"] = "123e4567-e12b-12d1-a456-426655440000"
    for field in ("merchant_name", "merchant_city", "description"):
        if isinstance(body.get(field), str):
            ascii_text = "".join(c if " " <= c <= "~" else "x" for c in body[field])
            body[field] = ascii_text if ascii_text.strip() else "x"
    if kind == "STATIC" and isinstance(body.get("description"), str):
        room = 99 - 18 - 8 - len(body["pix_key"])
        body["description"] = body["description"][:room].strip() or "compra"
    amount, discount = body.get("amount"), body.get("discount")
    if isinstance(amount, (int, float)) and isinstance(discount, (int, float)) and discount >= amount:
        if amount > 1:
            body["discount"] = int(amount) - 1
        else:
            body.pop("discount", None)
    if body.get("debtor_document") is None:
        body.pop("debtor_name", None)


def _schedule_for_its_type(body):
    kind = body.get("type")
    if kind == "MONTHLY":
        if body.get("day_of_month") is None:
            body["day_of_month"] = 15
    else:
        body.pop("day_of_month", None)
    if kind == "WEEKLY":
        if body.get("day_of_week") is None:
            body["day_of_week"] = 1
    else:
        body.pop("day_of_week", None)
    if body.get("time_zone") is not None:
        body["time_zone"] = "America/Sao_Paulo"
    first = datetime.date.today() + datetime.timedelta(days=7)
    if body.get("scheduled_date") is not None:
        body["scheduled_date"] = first.isoformat()
    if body.get("recurrence_end_date") is not None:
        body["recurrence_end_date"] = (first + datetime.timedelta(days=400)).isoformat()


def _export_companions(query):
    form = str(query.get("format", "csv")).lower()
    if form != "cnab240":
        query.pop("service", None)
    if not form.startswith("cnab"):
        query.pop("mark_sent", None)
    if form == "cnab240" and query.get("service") == "cobranca":
        query["creditor_ispb"] = "60746948"
    elif form == "cnab240":
        query["debtor_ispb"] = "60701190"
    elif form == "cnab400":
        query["creditor_ispb"] = "60746948"
    if str(query.get("mark_sent")).lower() == "true":
        query["status"] = "PENDING"


@schemathesis.hook
def map_case(context, case):
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    body = case.body
    _with_check_digits(body)
    headers = case.headers
    if headers:
        pair = ("x-product-uuid", "x-product-target-user-uuid")
        present = [name for name in list(headers.keys()) if name.lower() in pair]
        if len(present) == 1:
            del headers[present[0]]
    query = case.query
    if isinstance(query, dict):
        _ordered(query, "from", "to")
        _ordered(query, "min_amount", "max_amount")
        if str(query.get("awaiting_return")).lower() != "true":
            query.pop("awaiting_days", None)
        if context.operation is not None and context.operation.path.endswith("/files/export"):
            _export_companions(query)
    operation = context.operation
    if isinstance(body, dict) and operation is not None and (operation.method.upper(), operation.path) == ("POST", "/api/v1/qr-codes"):
        _qr_code_for_its_type(body)
    if isinstance(body, dict) and operation is not None and (operation.method.upper(), operation.path) == ("POST", "/api/v1/schedules"):
        _schedule_for_its_type(body)
    if headers and any(name.lower() == "idempotency-key" for name in headers.keys()):
        for name in [name for name in headers.keys() if name.lower() == "idempotency-key"]:
            headers[name] = str(uuid.uuid4())
    if isinstance(body, dict):
        if body.get("status") != "COMPLETED":
            body.pop("end_to_end_id", None)
        elif isinstance(body.get("end_to_end_id"), str) and len(body["end_to_end_id"]) >= 21:
            e2e = body["end_to_end_id"]
            body["end_to_end_id"] = e2e[:15] + min(e2e[15:17], "28") + e2e[17:]
        if body.get("status") != "NOT_DONE":
            body.pop("reason", None)
        if "file" in body and body.get("file_type") in FILES:
            body["file"] = FILES[body["file_type"]]
        if isinstance(body.get("qr_code_data"), str):
            body["qr_code_data"] = BR_CODE
        _ordered(body, "start_date", "end_date")
        _ordered(body, "floor_max_value", "payment_max_value")
        if body.get("value") is not None:
            body.pop("floor_max_value", None)
        if body.get("status") == "NOT_DONE" and not body.get("reason"):
            body["reason"] = "the receiving account is closed"
        amount = body.get("amount")
        for discount in body.get("discounts") or []:
            number = (int, float)
            if isinstance(discount, dict) and isinstance(amount, number) and isinstance(discount.get("amount"), number):
                if amount > 1 and discount["amount"] >= amount:
                    discount["amount"] = int(amount) - 1
        if "request_expiration_date" in body:
            later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)
            body["request_expiration_date"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    return case
