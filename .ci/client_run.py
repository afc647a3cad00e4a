"""A short session through the Python client openapi-python-client generated from the served
document (.ci/client): every call goes through the generated functions and models, and every
answer is read back through them, so a document that misleads the generator fails here.

    python3 .ci/client_run.py BASE_URL TOKEN   (the generated package `settlement_client` importable)
"""
import io
import sys
import time

from settlement_client import AuthenticatedClient
from settlement_client.api.credit import confirm_credit
from settlement_client.api.files import export_payments, get_file_import, import_file, process_file_import
from settlement_client.api.payments import create_payment, get_payment, update_payment_status
from settlement_client.api.qr_codes import create_qr_code, decode_qr_code, get_qr_code_image
from settlement_client.models import (
    CreditConfirmation,
    CreditRequest,
    DecodedPayload,
    FileImport,
    FileType,
    FileUpload,
    PayloadBody,
    Payment,
    PaymentRequest,
    QrCode,
    QrCodeRequest,
    StatusUpdateRequest,
)
from settlement_client.types import File

base_url, token = sys.argv[1], sys.argv[2]
client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)


def expect(response, status, model):
    """The answer has `status` and parsed into `model`."""
    assert response.status_code == status, f"HTTP {response.status_code}: {response.content[:500]!r}"
    assert isinstance(response.parsed, model), f"parsed as {type(response.parsed).__name__}, not {model.__name__}"
    return response.parsed


payment = expect(
    create_payment.sync_detailed(
        client=client,
        idempotency_key="client-run-1",
        body=PaymentRequest.from_dict({
            "external_id": "CLIENT-RUN-1",
            "amount": 15000,
            "currency": "BRL",
            "debtor_ispb": "12345678",
            "debtor_document": "12345678909",
            "debtor_name": "João da Silva",
            "debtor_account_no": "123456",
            "debtor_account_type": "CACC",
            "creditor_ispb": "87654321",
            "creditor_document": "11222333000181",
            "creditor_name": "Empresa XYZ Ltda",
            "creditor_account_no": "654321",
            "creditor_account_type": "CACC",
            "description": "generated client",
        }),
    ),
    201,
    Payment,
)
print(f"client: created payment {payment.id} ({payment.status})")

for status in ("PROCESSING", "COMPLETED"):
    update_payment_status.sync_detailed(payment.id, client=client, body=StatusUpdateRequest.from_dict({"status": status}))
payment = expect(get_payment.sync_detailed(payment.id, client=client), 200, Payment)
assert payment.status.value == "COMPLETED" and payment.end_to_end_id, payment
print(f"client: payment {payment.id} COMPLETED, end-to-end id {payment.end_to_end_id}")

credit = expect(
    confirm_credit.sync_detailed(payment.id, client=client, body=CreditRequest(amount=15000, notes="client run")),
    201,
    CreditConfirmation,
)
print(f"client: credit confirmed, {credit.confirmed_amount} centavos")

csv = b"debtor_ispb,creditor_ispb,amount,description\n12345678,87654321,1000,one\n12345678,87654321,2000,two\n12345678,87654321,3000,three\n"
upload = FileUpload(file=File(payload=io.BytesIO(csv), file_name="payments.csv", mime_type="text/csv"), file_type=FileType.CSV)
imported = expect(import_file.sync_detailed(client=client, body=upload), 201, FileImport)
process_file_import.sync_detailed(imported.id, client=client)
for _ in range(200):
    imported = expect(get_file_import.sync_detailed(imported.id, client=client), 200, FileImport)
    if imported.status.value in ("COMPLETED", "FAILED"):
        break
    time.sleep(0.1)
assert imported.status.value == "COMPLETED" and imported.processed_records == 3 and imported.failed_records == 0, imported
print(f"client: import {imported.id} COMPLETED, {imported.processed_records} records")

# The export documents three content types (CSV, JSON, a CNAB file); the generator parses a
# response by its first content type, which in the served document is application/json, so
# the generated function reads the JSON export.
exported = export_payments.sync_detailed(client=client, format_="json", max_records=100)
assert exported.status_code == 200, exported.status_code
assert isinstance(exported.parsed, list) and len(exported.parsed) == 4, exported.parsed
assert {row["external_id"] for row in exported.parsed if row.get("external_id")} == {"CLIENT-RUN-1"}
print(f"client: exported {len(exported.parsed)} payments as JSON")

payload = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
decoded = expect(decode_qr_code.sync_detailed(client=client, body=PayloadBody(payload=payload)), 200, DecodedPayload)
assert decoded.valid and decoded.conformant and decoded.pix_key == "123e4567-e12b-12d1-a456-426655440000", decoded
print(f"client: decoded a {decoded.type_} code of {decoded.merchant_name}")

code = expect(
    create_qr_code.sync_detailed(
        client=client,
        body=QrCodeRequest.from_dict({
            "type": "STATIC",
            "merchant_name": "Loja ABC",
            "merchant_city": "Sao Paulo",
            "merchant_category_code": "5411",
            "pix_key": "12345678909",
            "amount": 15000,
            "currency": "BRL",
        }),
    ),
    201,
    QrCode,
)
image = get_qr_code_image.sync_detailed(code.id, client=client, size=256)
assert image.status_code == 200 and isinstance(image.parsed, File), image.status_code
picture = image.parsed.payload.read()
assert picture.startswith(b"\x89PNG"), picture[:8]
print(f"client: QR code {code.id}'s picture, {len(picture)} bytes of PNG")
