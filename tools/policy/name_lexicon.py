"""Words that make a person's name, folded (no accents, lower case): the masker's evidence beyond the CRM.

Vietnamese names are a surname from a short list, optional middle names from a short list, and a given
name; a name typed without accents or capitals is still recognisable from these lists when they agree.
Western, Korean, Chinese and Indian given names are listed for the bank's foreign clients and contacts.
"""

from __future__ import annotations


#: One word or phrase a line is easier to read than a list literal of hundreds; whitespace inside a phrase is one space.
def _words(text: str, separator: str | None = None) -> frozenset[str]:
    return frozenset(" ".join(word.split()) for word in text.split(separator) if word.strip())


VIETNAMESE_SURNAMES = _words(
    """
    au bach bui cao chau chu cu dang dao diep dinh do doan duong giang ha ho hoang hong hua huynh khong
    khuc kieu la lac lai lam le lu luong luu ly mac mai nghiem ngo nguyen ong pham phan phung quach quan
    ta tang thach thai tieu tong tran trieu trinh truong tu van vo vu
    """
)

VIETNAMESE_MIDDLE_NAMES = _words(
    """
    anh bao bich cam chi cong dang diem dieu dinh duc gia ha hai hoai hoang hong huu khanh kieu kim lan
    le mai manh minh my ngoc nhat nhu phuong quang quoc tan thanh thi thien thu thuy tien trong tu tuan
    tuong tuyet van viet vinh xuan
    """
)

VIETNAMESE_GIVEN_NAMES = _words(
    """
    an anh ba bach bang bao bay bich binh cam canh chau chi chien chin chinh cong cuong dai dan dang
    danh dao dat diem dien diep dieu dinh doan dong du duc dung duong duy duyen giang giao giau ha hai
    han hang hanh hao hau hien hieu hoa hoai hoan hoang hoi hong hue hung huong huu huy huyen kha khai
    khang khanh khiem khoa khoi khue kien kiet kim lam lan lap le lien linh loan loc loi long luan luong
    ly mai manh minh mui muoi my nam nga ngan nghia ngoan ngoc nguyen nguyet nhan nhat nhi nhien nhu
    nhung oanh phat phong phu phuc phuong quan quang que quoc quy quyen quynh sa sang sau sinh son tai
    tam tan tang thach thai tham thang thanh thao thi thien thinh tho thoa thu thuan thuc thuong thuy
    tien tin tinh toan toi tram tran trang tri trinh trong truc trung truong tu tuan tung tuoi tuyen
    tuyet ut uyen van vi viet vinh vu vuong xoan xuan yen
    """
)

#: Given names that are also everyday words ("mai" tomorrow, "an toàn" safe, "bình thường" normal, "hoa hồng"
#: commission, "sang" next/over, "nam" year/south): a name only with a capital, a title before it, or the CRM.

COMMON_WORD_NAMES = _words(
    """
    an ba bang bay binh chi chin cong dai dao dat doan dong du duc dung ha hai han hau hoa hoi hong hung
    khai kim lan le loc loi long mai muoi my nam nhu phuc quang que sang sau son tai tam tang thanh thao
    thi tho thu tien tin toi tri trong tu tuoi van vinh xuan
    loan may long hung bich chau nga phuong
    """
)

WESTERN_GIVEN_NAMES = _words(
    """
    aaron abigail adam aditya ahmed aiko alan albert alex alexander alexis ali alice amanda amber amit
    amy andrea andrew angela anil anjali ann anna anne annie anthony arjun arthur ashley austin barbara
    ben benjamin betty beverly billy bobby brandon brenda brian brittany bruce bryan carl carol carolyn
    catherine charles charlotte chen cheryl chloe chris christian christina christine christopher claire
    cynthia dan daniel danielle david deborah debra deepa denise dennis diana diane dohyun donald donna
    doris dorothy douglas dylan edward elizabeth emily emma eric ethan eugene evelyn fatima frances
    frank gabriel gary george gerald gloria grace gregory hana hannah hao harold harry haruto heather
    helen henry hiroshi howard hugo hui hyun isabella jack jacob jacqueline james jane janet janice
    jason jean jeffrey jennifer jenny jeremy jerry jesse jessica jiho jin jisoo jiwoo jiyeon joan joe
    john johnny jonathan jordan jose joseph joshua joyce judith judy julie jun justin karan karen kate
    katherine kathleen kathryn kavita kayla keith kelly kenji kenneth kevin kimberly kyle lakshmi larry
    laura lauren lawrence lee lei leo li liam lily linda lisa logan lori louis lucas lucy madison
    margaret maria marie marilyn mark martha mary mason matthew max meera megan melissa michael michelle
    min ming minjun minseo mohammed nancy natalie nathan neha nicholas nick nicole noah oliver olivia
    omar pamela patricia patrick paul peter philip pooja priya rachel rahul rajesh ramesh randy ravi
    raymond rebecca richard robert roger rohan ronald russell ruth ryan sakura sam samantha samuel
    sandra sanjay sara sarah scott sean seojun seoyeon sharon shirley sneha sophia sophie soyeon
    stephanie stephen steven sue sung sunil suresh susan takeshi teresa terry theresa thomas tim timothy
    tom tyler victoria vijay vikram vincent virginia walter wei william willie xin yan yuki yuna zachary
    """
)

WESTERN_SURNAMES = _words(
    """
    adams ahn allen anderson bae baek bailey baker bell bennett brooks brown campbell carter chen cho
    choi clark collins cook cooper cox das davis edwards evans flores foster garcia gonzalez gray green
    guo gupta hall han harris heo hernandez hill hong howard hu huang hughes hwang iyer jackson james
    jang jeon johnson jones jung kang kelly kim king ko kobayashi kumar kwon lee lewis lim lin liu long
    lopez ma martin martinez mehta menon miller mitchell moon moore morgan morris murphy myers nair
    nakamura nam nelson park parker patel perez peterson phillips price ramirez reddy reed richardson
    rivera roberts robinson rodriguez rogers ross sanchez sanders sato scott seo shah sharma shin singh
    smith son song stewart sun suzuki tanaka taylor thomas thompson torres turner walker wang ward
    watanabe watson white williams wilson wood wright wu yamamoto yang yoo yoon young zhang zhao zhou
    zhu
    """
)

#: Words before a name: honorifics, titles and kinship terms (folded), in Vietnamese and English.

TITLES = _words(
    """
    a anh b ba bac c chi chu co dr e em madam madame miss mister mr mrs ms ngai o ong sep sir thay
    """
)

#: Titles that are also pronouns ("em gửi", "anh ấy", "a/c"): a lower-case word after them is a name only
#: when the lexicon and the text agree (see ``tools.policy.masking``).

PRONOUN_TITLES = _words(
    """
    a anh b ba bac c chi chu co e em o ong
    """
)

#: Titles in English: a title wherever they stand (a Vietnamese one with a capital mid-sentence is a place's
#: first word: "Ba Đình", "Cổ Loa").

ENGLISH_TITLES = _words(
    """
    dr madam madame miss mister mr mrs ms sir
    """
)

#: Given and middle names as they are written with accents: a lower-case word typed with accents is a name only
#: when it is one of these ("viết", "cảm", "dán" fold to Việt, Cẩm, Dân but are verbs).

ACCENTED_NAME_WORDS = _words(
    """
    an anh bách bình bích bạch bảo bảy bằng chi chinh chiến châu chí chín chính công cúc cường cảnh cẩm
    danh diễm diệp diệu du dung duy duyên dân dũng dương giang giao giàu hiếu hiền hiển hoa hoan hoài
    hoàn hoàng huy huyền huấn huệ hà hân hòa hóa hùng hưng hương hường hạ hạnh hải hảo hậu hằng hồi hồng
    hữu kha khang khiêm khoa khuê khánh khôi khải kim kiên kiệt lan linh liên liễu loan long luân lâm lý
    lương lập lệ lộc lợi mai minh my mười mạnh mến mỹ nam nga nghĩa ngoan nguyên nguyệt ngân ngọc nhi
    nhiên nhung nhàn nhân như nhẫn nhật oanh phong phát phú phúc phương phước quang quyên quyền quân quý
    quế quốc quỳnh sang sinh sáu sơn thanh thi thiện thoa thu thuận thành thái thùy thúy thơ thơm thư
    thương thạch thảo thắm thắng thị thịnh thục thủy tiến toàn trang trinh trung trâm trân trí trúc
    trường trọng tuyết tuyền tuấn tài tám tâm tân tín tùng tú tươi tấn tịnh uyên vi vinh việt vy vân văn
    vĩnh vũ vương xoan xuân yên yến ánh ân út đan điền điệp đoàn đào đình đông đăng đại đạt đặng định
    đức
    """
)

#: Places whose names are built like people's ("Hải Châu", "Thu Duc", "Quảng Ninh"): never a person (folded).

PLACES = _words(
    """
    an do|an giang|an hai|an khanh|an phu|anh quoc|ba dinh|bac giang|bac kan|bac lieu|bac
    ninh|bac tu liem|bach mai|ben nghe|ben thanh|ben tre|bien hoa|binh dinh|binh duong|binh
    phuoc|binh tan|binh thanh|binh thuan|ca mau|cam le|cam ranh|can gio|can tho|cao bang|cau
    giay|cho ray|con dao|cu chi|da kao|da lat|da nang|dak lak|dien bien|dong anh|dong da|dong
    nai|dong thap|gia lai|gia lam|go vap|ha dong|ha giang|ha long|ha nam|ha noi|ha tinh|hai
    ba trung|hai chau|hai duong|hai phong|han quoc|hau giang|ho chi minh|hoa binh|hoa thuan|hoa
    vang|hoan kiem|hoang mai|hoc mon|hoi an|hue|hung yen|khanh hoa|kien giang|kon tum|lai
    chau|lam dong|lang son|lao cai|lien chieu|linh dam|long an|long bien|mong cai|my dinh|my
    khe|nam dinh|nam ky khoi nghia|nam tu liem|nghe an|ngu hanh son|nha be|nha trang|nhat ban|
    ninh binh|ninh thuan|phu my hung|phu nhuan|phu quoc|phu tho|phu yen|quang binh|quang nam|
    quang ngai|quang ninh|quang tri|quy nhon|royal city|sa pa|sai gon|singapore|soc trang|son
    la|son tra|tan binh|tan dinh|tan hung|tan phong|tan phu|tay ho|tay ninh|thai binh|thai
    lan|thai nguyen|thanh da|thanh hoa|thanh khe|thanh xuan|thao dien|thong nhat|thu duc|thu
    thiem|tien giang|times city|tra vinh|trung hoa|trung quoc|tuyen quang|viet duc|vinh long|
    vinh phuc|vung tau|yen bai
    """,
    "|",
)

#: Words that make a capitalised run an organisation's or a product's name, not a person's (folded).

ORGANISATION_WORDS = _words(
    """
    bank cafe capital care center centre city clinic coffee company corp cty fund group holding holdings
    hospital hotel insurance invest investment jsc logistics ltd mall partners pharma plaza plus
    residence resort restaurant school seafood spa tower
    """
)

#: Two words before a capitalised run that make it a business's name ("công ty Minh Phát", "hải sản Bé Mặn").

ORGANISATION_PHRASES = _words(
    """
    bao hiem|benh vien|cong ty|cua hang|hai san|khach san|ngan hang|nha hang|nha thuoc|tap
    doan|truong hoc
    """,
    "|",
)


#: Name words that, written with accents and in lower case after "anh/chị/em", are mostly verbs or nouns.
EVERYDAY_ACCENTED_NAMES = _words(
    """
    an bình danh hiền hiểu hòa hạnh khoa lành lập lợi mến nam nhàn phúc quan quý thu thành thương trung
    tâm tín tính vui định
    """
)


#: Words before a run that make it a street named after a person ("đường Lê Quý Đôn", "phố Phùng Hưng").
STREET_WORDS_BEFORE = _words(
    """
    duong hẻm kiệt ngõ pho phố street đ đường
    """
)


#: Words that follow a title without being a name ("anh ấy", "chị em", "Mr. President" is rare enough).
FUNCTION_WORDS = _words(
    """
    a anh are ay ban bank bao bi biet branch can ceo cfo chi cho chua chung client co could cua cung
    customer da dang dear den deu di do doc duoc duoi em giam goi gui hang has have hay he hello her hi
    his ho hoac hoi i is kh khach khong kia la lam len ma minh moi muon my nay nen neu ngan ngoai nha
    nhan nhanh nhe nho nhom noi o oi our phong please qua ra rat rm sang se she should ta tai team thank
    thanks that thay the their they thi this toi tren trong truong tu va van vao ve vi voi was we were
    will would xem xuong you your
    """
)


#: Words that say a street, lane or alley follows or precedes (folded).
STREET_WORDS = _words(
    """
    ave avenue blvd boulevard duong hem kiet lane ngach ngo pho rd road st street way
    """
)


#: Words that start Vietnamese street names not built on a surname ("Hai Bà Trưng", "Cách Mạng Tháng Tám"; folded).
STREET_NAME_WORDS = _words(
    """
    ba bach bien cach chinh dang dien dieu dong duc hai hoang hung khoi kiet ky lac le loi long mang nam
    pasteur phu quang ton trung truong van vo vuong
    """
)

#: Capitalised words that are never a person on their own: languages and nationalities, days, months (folded).
NOT_NAMES = _words(
    """
    english vietnamese korean japanese chinese french german indian thai russian american australian british
    singaporean taiwanese dutch italian spanish malaysian indonesian filipino cambodian lao laotian european asian
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december today tomorrow yesterday
    """
)
