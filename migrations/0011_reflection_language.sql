-- The language a reflection is answered in (a code of `lang::Locale`: en, nl, cs, sl, es, sv). Its
-- private link opens in it; the answers themselves are item ids and values, the same in every
-- language. Reflections from before this column were answered in English.
ALTER TABLE reflections ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
