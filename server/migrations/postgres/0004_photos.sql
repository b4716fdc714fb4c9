-- Photos the server holds. The bytes live in the photo store under the SHA-256 of what was
-- kept (image_key, thumbnail_key); sha256 is of the bytes received, so a device can tell its
-- upload arrived whole. The table was unused before this, so it is simply made again.
DROP TABLE photos;
CREATE TABLE photos (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    uploaded_by UUID NOT NULL REFERENCES users(id),
    sha256 TEXT NOT NULL,
    image_key TEXT NOT NULL,
    thumbnail_key TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX photos_image_key ON photos (image_key);
CREATE INDEX photos_thumbnail_key ON photos (thumbnail_key);
