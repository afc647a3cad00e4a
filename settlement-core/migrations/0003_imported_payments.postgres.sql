-- Imported payments carry what their file format has: the documents and accounts, which the
-- API requires, become optional columns.
ALTER TABLE payments
    ALTER COLUMN debtor_document DROP NOT NULL,
    ALTER COLUMN debtor_account_no DROP NOT NULL,
    ALTER COLUMN debtor_account_type DROP NOT NULL,
    ALTER COLUMN creditor_document DROP NOT NULL,
    ALTER COLUMN creditor_account_no DROP NOT NULL,
    ALTER COLUMN creditor_account_type DROP NOT NULL;
