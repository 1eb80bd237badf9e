//! `gongkai import`: a Word (.docx) file to a posting — front matter found in the document,
//! the body as Markdown, pictures extracted without their metadata, and a warning for every
//! thing that did not map (merged cells, text boxes, charts…), so nothing is lost silently.
//!
//! [`docx_to_posting`] is the whole conversion, from bytes (the workbench reuses it for
//! uploads); writing files is the command's job. Stages: [`docx`] reads the package into
//! [`model`] blocks, [`shape`] finds the title, the 落款 (unit and date), hand-typed headings
//! and the kind, [`write`] makes the Markdown, and the privacy guard scans it.
//!
//! Old formats are recognised by their first bytes: Word 97–2003 `.doc` and WPS `.wps` files are
//! OLE compound files, and so is a password-protected `.docx` (an `EncryptedPackage` stream),
//! each with its own message.

pub mod docx;
pub mod html;
pub mod images;
pub mod model;
pub mod shape;
pub mod write;
mod xml;

use jiff::civil::Date;

use crate::privacy::{self, AllowList, PiiKind};

/// A picture taken out of the document, metadata removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedImage {
    /// File name in the bundle: `image-1.jpg`.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The front matter found in the document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Front {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub unit: Option<String>,
    pub kind: Option<&'static str>,
    /// A 公示's days and count (`working` or `calendar`) as the text states them.
    pub notice: Option<(u32, &'static str)>,
}

/// A personal number in the converted text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Personal {
    pub kind: PiiKind,
    pub masked: String,
    /// Byte range in [`Imported::body`].
    pub range: std::ops::Range<usize>,
    /// Where it is in the Word document (`表格1第2行第4列`).
    pub at: String,
}

/// A converted document.
#[derive(Clone, Debug)]
pub struct Imported {
    pub front: Front,
    /// The Markdown body (ends with a newline).
    pub body: String,
    pub images: Vec<ImportedImage>,
    pub warnings: Vec<ImportWarning>,
    pub personal: Vec<Personal>,
}

/// Converts a .docx file's bytes. `file` names it in messages; `allow` is the site's list of
/// numbers that are meant to be public.
pub fn docx_to_posting(
    bytes: &[u8],
    file: &str,
    allow: &AllowList,
) -> Result<Imported, ImportError> {
    check_format(bytes, file)?;
    let mut conv = docx::Converter::open(bytes, file)?;
    conv.run(file)?;
    let mut blocks = std::mem::take(&mut conv.blocks);
    let mut warnings = std::mem::take(&mut conv.warnings);
    let title = shape::take_title(&mut blocks);
    let (unit, date) = shape::take_signature(&mut blocks);
    shape::headings(&mut blocks);
    shape::captions(&mut blocks);
    let names: Vec<String> = conv.images.iter().map(|i| i.name.clone()).collect();
    let written = write::write(&blocks, &conv.footnotes, &names);
    let kind = shape::guess_kind(title.as_deref().unwrap_or(""), &written.text);
    let notice = shape::notice_days(&written.text);
    if title.is_none() {
        warnings.push(ImportWarning::NoTitle);
    }
    if date.is_none() {
        warnings.push(ImportWarning::NoDate);
    }
    let personal = privacy::scan(&written.text, allow)
        .into_iter()
        .map(|f| Personal {
            kind: f.kind,
            at: written.place_of(f.range.start).unwrap_or("正文").to_string(),
            masked: f.masked,
            range: f.range,
        })
        .collect();
    Ok(Imported {
        front: Front { title, date, unit, kind, notice },
        body: written.text,
        images: std::mem::take(&mut conv.images),
        warnings,
        personal,
    })
}

/// Refuses what is not a .docx with a message that says what to do.
fn check_format(bytes: &[u8], file: &str) -> Result<(), ImportError> {
    let f = file.to_string();
    let lower = file.to_lowercase();
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(&OLE) {
        let has = |name: &str| {
            let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
        };
        if has("EncryptedPackage") {
            return Err(ImportError::Encrypted { file: f });
        }
        if lower.ends_with(".wps") {
            return Err(ImportError::Wps { file: f });
        }
        if has("WordDocument") || lower.ends_with(".doc") {
            return Err(ImportError::OldDoc { file: f });
        }
        return Err(ImportError::NotWord { file: f });
    }
    if lower.ends_with(".wps") {
        return Err(ImportError::Wps { file: f });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(ImportError::Rtf { file: f });
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ImportError::NotWord { file: f });
    }
    if !bytes.starts_with(b"PK") {
        return Err(ImportError::Corrupt {
            file: f,
            detail: "不是 zip 格式 / not a zip file".into(),
        });
    }
    Ok(())
}

crate::messages! {
    /// A personal number found in a Word document by the import: the privacy message, prefixed
    /// with its place in the document.
    pub struct PersonalInWord { pub at: String, pub found: crate::privacy::PrivacyError }
        = "import.personal-data",
        zh: { format!("（Word 文件{}）{}", at, found.zh()) },
        en: { format!("(Word file: {}) {}", at, found.en()) };
}

crate::messages! {
    /// A file that cannot be imported.
    #[derive(Eq)]
    pub enum ImportError {
        OldDoc { file: String } = "import.old-doc",
            zh: "{file} 是旧的 Word 97-2003 格式（.doc），gongkai 只能读 .docx。{SAVE_AS_ZH}。",
            en: "{file} is an old Word 97-2003 file (.doc); gongkai reads .docx only: {SAVE_AS_EN}.";
        Wps { file: String } = "import.wps",
            zh: "{file} 是 WPS 自己的格式（.wps），gongkai 只能读 .docx。请在 WPS 文字里打开它，点左上角“文件”→“另存为”，\
                “文件类型”选“Microsoft Word 文件 (*.docx)”；用 Word 打开时点“文件”→“另存为”，“保存类型”选“Word 文档 (*.docx)”。\
                然后导入新存的 .docx 文件。",
            en: "{file} is a WPS file (.wps); gongkai reads .docx only: {SAVE_AS_EN}.";
        Encrypted { file: String } = "import.encrypted",
            zh: "{file} 设置了打开密码，gongkai 读不了。请在 Word 里打开它（输入密码），点“文件”→“信息”→“保护文档”→“用密码进行加密”，\
                清空密码后保存；WPS 里点“文件”→“文档加密”→“密码加密”，清空打开密码后保存。然后再导入。",
            en: "{file} is protected by a password, which gongkai cannot read. Open it in Word, File → Info → Protect \
                Document → Encrypt with Password, clear the password and save (WPS: File → Document Encryption); then \
                import it again.";
        Corrupt { file: String, detail: String } = "import.corrupt",
            zh: "{file} 不是完整的 Word 文件（{detail}），可能下载或拷贝时中断了。请用 Word 或 WPS 打开它：能打开就“另存为”\
                一个新的 .docx 再导入；打不开就重新拷贝或下载原文件。",
            en: "{file} is not a complete Word file ({detail}); a download or copy may have been cut off. Open it in Word \
                or WPS and save it as a new .docx, or copy the original again.";
        OpenDocument { file: String } = "import.odt",
            zh: "{file} 是 OpenDocument 文本（.odt），不是 .docx。{SAVE_AS_ZH}。",
            en: "{file} is an OpenDocument text (.odt), not .docx: {SAVE_AS_EN}.";
        Rtf { file: String } = "import.rtf",
            zh: "{file} 是 RTF 文件，不是 .docx。{SAVE_AS_ZH}。",
            en: "{file} is an RTF file, not .docx: {SAVE_AS_EN}.";
        NotWord { file: String } = "import.not-word",
            zh: "{file} 不是 Word 文字文件（可能是表格、演示文稿或 PDF）。gongkai import 只导入 Word/WPS 文字文件（.docx）；\
                账表请直接放进内容文件夹，PDF 作为附件。",
            en: "{file} is not a Word text document (a spreadsheet, presentation or PDF?). gongkai import reads .docx \
                only; put ledgers into the content folder directly and PDFs as attachments.";
    }
}

const SAVE_AS_ZH: &str = "请另存为 .docx：在 Word 里点“文件”→“另存为”，“保存类型”选“Word 文档 (*.docx)”；\
在 WPS 文字里点左上角“文件”→“另存为”，“文件类型”选“Microsoft Word 文件 (*.docx)”。然后导入新存的 .docx 文件";
const SAVE_AS_EN: &str = "save it as .docx: in Word, File → Save As, type \"Word Document (*.docx)\"; in WPS \
Writer, File → Save As, type \"Microsoft Word 文件 (*.docx)\". Then import the new .docx file";

crate::messages! {
    /// Something of the document that did not map exactly; each names the place and what was done.
    #[derive(Eq)]
    pub enum ImportWarning {
        MergedAcross { at: String, columns: usize } = "import.merged-across",
            zh: {
                format!(
                    "{at}是横跨{columns}列的合并单元格。网页表格不能合并单元格：已拆开，内容放在第一格，右边{}格留空。请核对这一行是否还看得懂",
                    columns - 1
                )
            },
            en: {
                format!(
                    "{at} is a cell merged across {columns} columns. Web tables cannot merge cells: it was split, the text \
                     stays in the first cell and the {} to its right are empty. Check that the row still reads right",
                    columns - 1
                )
            };
        MergedDown { at: String, rows: usize } = "import.merged-down",
            zh: {
                format!(
                    "{at}是竖跨{rows}行的合并单元格。网页表格不能合并单元格：已拆开，内容放在最上面一格，下面{}格留空。\
                     如果下面几行需要它，请在那几格里补写",
                    rows - 1
                )
            },
            en: {
                format!(
                    "{at} is a cell merged down {rows} rows. Web tables cannot merge cells: it was split, the text stays in \
                     the top cell and the {} below are empty; fill them in if those rows need it",
                    rows - 1
                )
            };
        NestedTable { at: String } = "import.nested-table",
            zh: "{at}里还套着一个表格：网页表格不能嵌套，里面表格的文字已按行用“ / ”连成一段放在这一格里",
            en: "{at} holds a table inside the cell: web tables cannot nest, so its rows were joined with \" / \" into \
                the cell's text";
        TextBox { at: String, text: String } = "import.text-box",
            zh: "{at}有一个文本框{text}：网页上没有文本框，里面的文字已作为普通段落放在这里，请核对位置",
            en: "{at} has a text box {text}: web pages have no text boxes, so its text became an ordinary paragraph \
                here; check where it belongs";
        PictureFormat { at: String, format: String } = "import.picture-format",
            zh: "{at}的图片是 {format} 格式，网页上不能显示，没有导入。请在 Word 里右键这张图片→“另存为图片”，存成 PNG 或 JPG，\
                放进这篇内容的文件夹，再在正文里写 ![说明](文件名)",
            en: "the picture in {at} is {format}, which web pages cannot show; not imported. In Word right-click it → \
                Save as Picture (PNG or JPG), put it in the posting's folder and write ![caption](file) in the body";
        BadPicture { at: String, detail: String } = "import.bad-picture",
            zh: "{at}的图片已损坏（{detail}），没有导入。请把原图片放进这篇内容的文件夹",
            en: "the picture in {at} is damaged ({detail}); not imported. Put the original into the folder";
        LinkedPicture { at: String } = "import.linked-picture",
            zh: "{at}的图片只是链接到别的文件，没有存在文档里，所以没有导入。请把那张图片放进这篇内容的文件夹",
            en: "the picture in {at} is only linked, not stored in the document; not imported. Put it into the folder";
        Unmapped { at: String, what: String, what_en: String } = "import.unmapped",
            zh: "{at}有{what}",
            en: "{at}: {what_en}";
        TrackedChanges = "import.tracked-changes",
            zh: "文档里有没接受的修订：已按“接受所有修订”导入（删掉的字没有导入）。请核对正文",
            en: "the document has tracked changes: imported as if all were accepted \
                (deleted text left out). Check the body";
        HiddenText = "import.hidden-text",
            zh: "文档里有隐藏文字：隐藏文字没有导入",
            en: "the document has hidden text: it was not imported";
        Comments { count: usize } = "import.comments",
            zh: "文档里有{count}条批注：批注不会公开，没有导入",
            en: "the document has {count} comment(s): comments are not published and were not imported";
        NoTitle = "import.no-title",
            zh: "没有认出标题（第一行通常是居中、加粗的标题）：暂用文件名作标题，请在 title = 处改正",
            en: "no title line found (usually the first, centred, bold line): the file name \
                is used; correct it at title =";
        NoDate = "import.no-date",
            zh: "没有在文末落款里找到日期（如“2026年10月9日”）：暂用今天作公开日期，请在 date = 处改正",
            en: "no date found in the sign-off at the end (e.g. 2026年10月9日): today is used; \
                correct it at date =";
    }
}

/// A string as a TOML basic string (`"…"` with escapes).
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

impl Imported {
    /// The posting file: front matter (drafted, with comments where the clerk has to look) and
    /// body. `source` is the Word file's name; `fallback_title` and `today` stand in for what the
    /// document did not say.
    pub fn posting_text(&self, source: &str, fallback_title: &str, today: Date) -> String {
        let f = &self.front;
        let mut s = String::from("+++\n");
        let title = f.title.as_deref().unwrap_or(fallback_title);
        s.push_str(&format!("title = {}", toml_str(title)));
        if f.title.is_none() {
            s.push_str("   # 没有认出标题，这是文件名：请改成正式标题");
        }
        s.push('\n');
        match f.date {
            Some(d) => s.push_str(&format!("date = {}\n", crate::date::format_iso(d))),
            None => s.push_str(&format!(
                "date = {}   # 文末没有落款日期，这是导入当天：请改成公开日期\n",
                crate::date::format_iso(today)
            )),
        }
        if let Some(u) = &f.unit {
            s.push_str(&format!("unit = {}\n", toml_str(u)));
        }
        match f.kind {
            Some(k) => s.push_str(&format!("kind = {}\n", toml_str(k))),
            None => s.push_str(
                "# kind = \"\"   # 没认出类别：请填写并删去开头的 #，例如 决议公开、实施结果公开、财务收支、党费收缴、发展党员、低保公示、招标结果\n",
            ),
        }
        s.push_str(&format!(
            "draft = true   # 从 {} 导入：核对正文、表格和图片后删去这一行，再运行 gongkai build 发布\n",
            source.replace('\n', " ")
        ));
        if let Some((days, count)) = f.notice {
            s.push_str(&format!(
                "\n[notice]   # 公示期按正文“{}”填写，从 date 的次日算起\ndays = {days}\ncount = \"{count}\"\n",
                if count == "working" { format!("{days}个工作日") } else { format!("{days}天") }
            ));
        }
        s.push_str("+++\n\n");
        s.push_str(&self.body);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A .docx package from parts (as WPS or Word would write them, cut to what matters).
    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        for (name, text) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        buf.into_inner()
    }

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing""#;

    fn body(xml: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{xml}</w:body></w:document>"#
        )
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    #[test]
    fn what_does_not_map_is_named() {
        let styles = format!(
            r#"<w:styles {NS}><w:style w:type="paragraph" w:styleId="2"><w:name w:val="标题 1"/></w:style></w:styles>"#
        );
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="image" Target="media/image1.emf"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;
        let header = format!("<w:hdr {NS}>{}</w:hdr>", p("青石村村民委员会文件"));
        let footer = format!("<w:ftr {NS}>{}</w:ftr>", p("第 1 页"));
        let mut emf = vec![1u8, 0, 0, 0];
        emf.resize(40, 0);
        emf.extend_from_slice(b" EMF");
        emf.resize(80, 0);
        let doc = body(&format!(
            "{title}<w:p><w:pPr><w:pStyle w:val=\"2\"/></w:pPr><w:r><w:t>概况</w:t></w:r></w:p>\
             <w:p><w:r><w:t>勾选</w:t></w:r><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FE\"/></w:r>\
             <w:ins><w:r><w:t>新加的</w:t></w:r></w:ins><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>\
             <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的</w:t></w:r></w:p>\
             <w:p><w:r><w:drawing><wp:inline><wp:docPr id=\"1\" name=\"图表 1\"/><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\"/></a:graphic></wp:inline></w:drawing></w:r></w:p>\
             <w:p><w:r><w:drawing><wp:inline><wp:docPr id=\"2\" name=\"图片 2\"/><a:graphic><a:graphicData uri=\"pic\"><a:blip r:embed=\"rId9\"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>\
             <w:tbl><w:tr><w:tc>{a}</w:tc><w:tc><w:tbl><w:tr><w:tc>{b}</w:tc><w:tc>{c}</w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>\
             {one}",
            title = "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>关于开会的通知</w:t></w:r></w:p>",
            a = p("甲"),
            b = p("乙"),
            c = p("丙"),
            one = p("1. 这一段以编号开头"),
        ));
        let bytes = package(&[
            ("word/document.xml", &doc),
            ("word/styles.xml", &styles),
            ("word/_rels/document.xml.rels", rels),
            ("word/header1.xml", &header),
            ("word/footer1.xml", &footer),
            ("word/media/image1.emf", &String::from_utf8_lossy(&emf)),
            (
                "word/comments.xml",
                &format!("<w:comments {NS}><w:comment w:id=\"0\"/></w:comments>"),
            ),
        ]);
        let got = docx_to_posting(&bytes, "通知.docx", &AllowList::new()).unwrap();
        assert_eq!(got.front.title.as_deref(), Some("关于开会的通知"));
        assert_eq!(
            got.body,
            "## 概况\n\n勾选新加的\n\n| 甲 | 乙 丙 |\n| --- | --- |\n\n1\\. 这一段以编号开头\n"
        );
        let codes: Vec<&str> = got.warnings.iter().map(|w| w.code()).collect();
        assert_eq!(
            codes,
            [
                "import.unmapped",
                "import.unmapped",
                "import.picture-format",
                "import.nested-table",
                "import.tracked-changes",
                "import.hidden-text",
                "import.unmapped",
                "import.comments",
                "import.no-date",
            ]
        );
        let zh: Vec<String> = got.warnings.iter().map(|w| w.zh()).collect();
        assert!(zh[0].starts_with("第3段有特殊符号（Wingdings"), "{}", zh[0]);
        assert!(zh[1].contains("图表，网页上不能显示"), "{}", zh[1]);
        assert!(zh[2].contains("图片是 EMF 格式"), "{}", zh[2]);
        assert!(zh[3].starts_with("表格1第1行第2列里还套着一个表格"), "{}", zh[3]);
        assert!(zh[6].starts_with("页眉或页脚有文字“青石村村民委员会文件”"), "{}", zh[6]);
    }

    #[test]
    fn old_formats_are_named() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        let name = |s: &str| s.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
        let mut doc = ole.clone();
        doc.extend(name("WordDocument"));
        assert!(matches!(check_format(&doc, "a.doc"), Err(ImportError::OldDoc { .. })));
        assert!(matches!(check_format(&doc, "a.wps"), Err(ImportError::Wps { .. })));
        ole.extend(name("EncryptedPackage"));
        assert!(matches!(check_format(&ole, "a.docx"), Err(ImportError::Encrypted { .. })));
        assert!(matches!(check_format(b"{\\rtf1", "a.doc"), Err(ImportError::Rtf { .. })));
        assert!(matches!(check_format(b"hello", "a.docx"), Err(ImportError::Corrupt { .. })));
    }
}
