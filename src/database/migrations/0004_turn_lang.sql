-- madoguchi 0004: the language each turn was answered in (ja | en | zh-Hant), so the desk shows a
-- conversation as it was held. Turns written before it were all Japanese.
ALTER TABLE turns ADD COLUMN lang TEXT NOT NULL DEFAULT 'ja';
