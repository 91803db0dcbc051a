//! `ar` archives: GNU (`!<arch>`) and thin (`!<thin>`, members stored as paths).
//!
//! Each member is read with the reader its contents call for; the symbols keep the
//! member's name in [`Symbol::member`](crate::Symbol::member), in archive order.

use std::path::Path;

use object::read::archive::ArchiveFile;

use crate::{Error, ErrorKind, Result, SymbolTable, TableFormat};

/// Read every member of an archive. `dir` is the archive's folder, against which thin
/// members' paths are resolved.
pub fn read_archive(data: &[u8], dir: Option<&Path>) -> Result<SymbolTable> {
    let archive = ArchiveFile::parse(data)
        .map_err(|e| Error::malformed(format!("invalid archive header: {e}")))?;
    let mut out = SymbolTable {
        symbols: Vec::new(),
        format: TableFormat::Archive,
        arch: None,
        is_64: true,
    };
    for (i, member) in archive.members().enumerate() {
        let member =
            member.map_err(|e| Error::malformed(format!("invalid archive member {i}: {e}")))?;
        let name = String::from_utf8_lossy(member.name()).into_owned();
        let owned;
        let bytes: &[u8] = if member.is_thin() {
            let path = dir.unwrap_or(Path::new(".")).join(&name);
            owned = std::fs::read(&path).map_err(|e| {
                Error::with_source(
                    ErrorKind::Io,
                    format!("thin archive member {name}: cannot read {}", path.display()),
                    e,
                )
            })?;
            &owned
        } else {
            member
                .data(data)
                .map_err(|e| Error::malformed(format!("member {name}: {e}")))?
        };
        if bytes.starts_with(b"!<arch>\n") || bytes.starts_with(b"!<thin>\n") {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("member {name}: nested archives are not supported"),
            ));
        }
        let table =
            super::read_bytes(bytes, None).map_err(|e| e.prefixed(format!("member {name}")))?;
        out.arch = out.arch.or(table.arch);
        out.is_64 = table.is_64;
        out.symbols.extend(table.symbols.into_iter().map(|mut s| {
            s.member = Some(name.clone());
            s
        }));
    }
    Ok(out)
}
