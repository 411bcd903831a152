"""Word lists the demo data is drawn from: names, places, companies, products, tags.

Tables are kept as compact whitespace-separated text so that the lists stay readable; nothing in
them may contain a tab, newline or backslash, because rows go to PostgreSQL as COPY text.
E-mail domains are reserved example domains, so a campaign sent from a demo database cannot
reach a real mailbox.
"""

from __future__ import annotations


def _table(text: str, width: int) -> list[tuple[str, ...]]:
    words = text.split()
    if len(words) % width:
        raise ValueError(f"table of width {width} has {len(words)} words")
    return [tuple(words[i:i + width]) for i in range(0, len(words), width)]


# Surname, pinyin, frequency per mille (roughly the national census ranking).
SURNAMES = [(s, p, float(w)) for s, p, w in _table("""
    王 wang 71   李 li 70    张 zhang 67  刘 liu 54   陈 chen 45   杨 yang 31   黄 huang 22
    赵 zhao 20   吴 wu 20    周 zhou 19   徐 xu 13    孙 sun 13    马 ma 12     朱 zhu 11
    胡 hu 11     郭 guo 11   何 he 10     林 lin 9    高 gao 9     罗 luo 9     郑 zheng 8
    梁 liang 8   谢 xie 7    宋 song 6    唐 tang 6   许 xu 6      韩 han 5     冯 feng 5
    邓 deng 5    曹 cao 5    彭 peng 5    曾 zeng 5   肖 xiao 4    田 tian 4    董 dong 4
    潘 pan 4     袁 yuan 4   蔡 cai 3     蒋 jiang 3  余 yu 3      于 yu 3      杜 du 3
    叶 ye 3      程 cheng 3  魏 wei 3     苏 su 3     吕 lv 3      丁 ding 3    任 ren 3
    卢 lu 3      姚 yao 3    沈 shen 3    钟 zhong 3  姜 jiang 3   崔 cui 2     谭 tan 2
    陆 lu 2      范 fan 2    汪 wang 2    廖 liao 2   石 shi 2     金 jin 2     韦 wei 2
    贾 jia 2     夏 xia 2    付 fu 2      方 fang 2   邹 zou 2     熊 xiong 2   白 bai 2
    孟 meng 2    秦 qin 2    邱 qiu 2     侯 hou 2    江 jiang 2   尹 yin 2     薛 xue 2
    闫 yan 2     段 duan 2   雷 lei 2     龙 long 1   黎 li 1      史 shi 1     陶 tao 1
    贺 he 1      毛 mao 1    郝 hao 1     顾 gu 1     龚 gong 1    邵 shao 1    万 wan 1
    钱 qian 1    戴 dai 1    严 yan 1     欧阳 ouyang 0.5  司马 sima 0.2  诸葛 zhuge 0.1
""", 3)]

GIVEN_MALE = _table("""
    伟 wei   强 qiang  磊 lei   军 jun   洋 yang  勇 yong  杰 jie   涛 tao   明 ming  超 chao
    斌 bin   浩 hao    鹏 peng  宇 yu    辉 hui   建 jian  华 hua   志 zhi   文 wen   俊 jun
    峰 feng  波 bo     刚 gang  平 ping  东 dong  海 hai   亮 liang 晨 chen  博 bo    然 ran
    轩 xuan  子 zi     国 guo   成 cheng 毅 yi    鑫 xin   凯 kai   睿 rui   泽 ze    昊 hao
""", 2)
GIVEN_FEMALE = _table("""
    芳 fang  娜 na     敏 min   静 jing  丽 li    艳 yan   娟 juan  霞 xia   婷 ting  雪 xue
    琳 lin   颖 ying   慧 hui   玲 ling  欣 xin   怡 yi    萍 ping  红 hong  燕 yan   佳 jia
    倩 qian  梅 mei    莉 li    丹 dan   璐 lu    晓 xiao  雅 ya    婧 jing  瑶 yao   琪 qi
    萱 xuan  诗 shi    梦 meng  悦 yue   思 si    彤 tong  雨 yu    涵 han   秀 xiu   英 ying
""", 2)

FIRST_MALE = """
    James John Robert Michael William David Richard Joseph Thomas Daniel Matthew Andrew
    Christopher Oliver Harry George Jack Ethan Ryan Samuel Benjamin Henry Lucas Noah Alexander
""".split()
FIRST_FEMALE = """
    Mary Patricia Jennifer Linda Elizabeth Susan Jessica Sarah Emily Emma Olivia Sophia
    Charlotte Amelia Grace Hannah Chloe Lucy Laura Rachel Anna Megan Victoria Alice Kate
""".split()
LAST_NAMES = """
    Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Thomas Moore Martin
    Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott
    Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker
    Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Hughes Ward Wood Watson
    Bennett Gray
""".split()

# City, province, telephone area code (without the trunk 0), weight, then its districts.
CN_CITIES = [
    ("北京", "北京市", "10", 12, "朝阳区 海淀区 东城区 西城区 丰台区 通州区"),
    ("上海", "上海市", "21", 12, "浦东新区 徐汇区 静安区 黄浦区 长宁区 闵行区"),
    ("广州", "广东省", "20", 8, "天河区 越秀区 海珠区 白云区 番禺区"),
    ("深圳", "广东省", "755", 8, "南山区 福田区 罗湖区 宝安区 龙岗区"),
    ("杭州", "浙江省", "571", 6, "西湖区 上城区 拱墅区 滨江区 余杭区"),
    ("成都", "四川省", "28", 6, "锦江区 武侯区 青羊区 成华区 金牛区"),
    ("南京", "江苏省", "25", 5, "鼓楼区 玄武区 秦淮区 建邺区 江宁区"),
    ("武汉", "湖北省", "27", 5, "江汉区 武昌区 洪山区 汉阳区"),
    ("重庆", "重庆市", "23", 5, "渝中区 江北区 南岸区 沙坪坝区"),
    ("苏州", "江苏省", "512", 4, "姑苏区 吴中区 相城区 虎丘区"),
    ("西安", "陕西省", "29", 4, "雁塔区 碑林区 未央区 莲湖区"),
    ("天津", "天津市", "22", 4, "和平区 河西区 南开区 滨海新区"),
    ("长沙", "湖南省", "731", 3, "岳麓区 芙蓉区 天心区 开福区"),
    ("郑州", "河南省", "371", 3, "金水区 二七区 中原区 管城区"),
    ("青岛", "山东省", "532", 3, "市南区 市北区 崂山区 黄岛区"),
    ("厦门", "福建省", "592", 2, "思明区 湖里区 集美区"),
    ("宁波", "浙江省", "574", 2, "海曙区 鄞州区 江北区"),
    ("合肥", "安徽省", "551", 2, "蜀山区 包河区 庐阳区"),
    ("昆明", "云南省", "871", 2, "五华区 盘龙区 官渡区"),
    ("沈阳", "辽宁省", "24", 2, "和平区 沈河区 浑南区"),
]
CN_ROADS = """
    人民路 解放路 中山路 建设路 和平路 长江路 黄河路 滨江大道 科技路 创业路 新华路 文化路
    学府路 环城路 东风路 朝阳路 青年路 胜利路 光明路 世纪大道 金融街 高新大道
""".split()
CN_BUILDINGS = "国际大厦 金融中心 科技园 商务中心 财富广场 创新港 大厦".split()

# Mobile prefixes with rough market weights.
CN_MOBILE_PREFIXES = [(p, float(w)) for p, w in _table("""
    130 3 131 3 132 3 133 3 134 3 135 5 136 5 137 5 138 6 139 7
    150 4 151 4 152 3 153 3 155 3 156 3 157 3 158 4 159 4
    166 2 173 2 176 2 177 2 180 3 181 3 182 3 183 3 185 3 186 4 187 3 188 3 189 4 199 2
""", 2)]

# City, state or nation, country code, area code, digits after the area code, weight.
EN_CITIES = [
    ("New York", "New York", "1", "212", 7, 5),
    ("San Francisco", "California", "1", "415", 7, 4),
    ("Los Angeles", "California", "1", "213", 7, 4),
    ("Chicago", "Illinois", "1", "312", 7, 3),
    ("Seattle", "Washington", "1", "206", 7, 2),
    ("Boston", "Massachusetts", "1", "617", 7, 2),
    ("Austin", "Texas", "1", "512", 7, 2),
    ("London", "England", "44", "20", 8, 5),
    ("Manchester", "England", "44", "161", 7, 2),
    ("Birmingham", "England", "44", "121", 7, 2),
    ("Edinburgh", "Scotland", "44", "131", 7, 1),
]
EN_STREETS = """
    Main Oak Maple Park Cedar Elm Washington Lake Hill Church High Station Victoria King Queen
    Market Mill Bridge River Spring
""".split()
EN_STREET_KINDS = "Street Avenue Road Lane Drive".split()

# Word in a company name, industry (Chinese), industry (English), e-mail slug.
INDUSTRIES = [
    ("科技", "信息技术", "Information technology", "tech", "Technologies"),
    ("贸易", "批发零售", "Wholesale and retail", "trade", "Trading"),
    ("电子", "电子制造", "Electronics", "elec", "Electronics"),
    ("物流", "交通物流", "Logistics", "logistics", "Logistics"),
    ("实业", "制造业", "Manufacturing", "industry", "Manufacturing"),
    ("餐饮管理", "餐饮", "Food and beverage", "food", "Foods"),
    ("教育咨询", "教育培训", "Education", "edu", "Learning"),
    ("医疗器械", "医疗健康", "Healthcare", "med", "Medical"),
    ("建材", "建筑建材", "Construction", "build", "Building Supplies"),
    ("文化传媒", "文化传媒", "Media", "media", "Media"),
    ("网络科技", "互联网", "Internet", "net", "Digital"),
    ("投资咨询", "金融", "Financial services", "capital", "Capital"),
    ("环保科技", "环保能源", "Energy and environment", "eco", "Energy"),
    ("服饰", "纺织服装", "Apparel", "fashion", "Apparel"),
]
# Characters for two-syllable Chinese trade names, with pinyin for the company's domain.
BRAND_CHARS = _table("""
    华 hua  信 xin  鼎 ding  盛 sheng  恒 heng  达 da  博 bo  远 yuan  联 lian  创 chuang
    天 tian  成 cheng  嘉 jia  禾 he  金 jin  桥 qiao  新 xin  元 yuan  瑞 rui  丰 feng
    宏 hong  图 tu  卓 zhuo  越 yue  中 zhong  科 ke  航 hang  通 tong  泰 tai  安 an
    海 hai  汇 hui  德 de  利 li  兴 xing  荣 rong  腾 teng  辉 hui  永 yong  光 guang
""", 2)
# English trade names are a first half and a second half: Blue + water → Bluewater.
EN_BRAND_HEADS = """
    Blue North Green Red Silver Oak Bright Iron West Clear River Stone Gold Sun Lake Maple Pine
    Eagle
""".split()
EN_BRAND_TAILS = """
    water star field wood line ridge path bridge brook view gate crest point wave peak
""".split()
EN_COMPANY_SUFFIXES = "Inc LLC Ltd Group Co.".split()

PERSONAL_EMAIL_DOMAINS = "example.com example.net example.org mail.example.com".split()
COMPANY_MAILBOXES = "info sales contact service purchasing".split()

# Value, weight: how often each channel brings a customer in.
SOURCES = [
    ("website", 22), ("referral", 18), ("exhibition", 8), ("advertising", 10),
    ("cold_call", 7), ("social_media", 15), ("partner", 8), ("walk_in", 7), ("other", 5),
]
LEVELS = [("A", 8), ("B", 20), ("C", 42), ("D", 30)]
STATUSES = [("potential", 25), ("active", 58), ("churned", 17)]
PURCHASE_CHANNELS = [
    ("store", 20), ("online", 35), ("phone", 10), ("sales_rep", 25), ("partner", 7), ("other", 3)
]

TAGS = ["VIP", "老客户", "高潜力", "wholesale", "重点跟进", "价格敏感", "新客户", "reseller",
        "海外客户"]

NOTES_CN = [
    "偏好微信沟通", "周末不方便接电话", "对价格比较敏感", "需要开具增值税专用发票", "年底有采购计划",
    "老客户介绍", "关注售后服务", "决策人是采购经理", "希望上门演示",
]
NOTES_EN = [
    "Prefers e-mail contact", "Interested in an annual plan", "Asked for a volume discount",
    "The decision maker is the CFO", "Call after 3 pm", "Met at the Shanghai trade fair",
]

# SKU, name, category, list price (CNY), relative popularity.
PRODUCTS = [
    ("NB-14PRO", "商务笔记本电脑 14英寸", "电脑办公", "6999.00", 4),
    ("NB-16WS", "16-inch Mobile Workstation", "Computers", "12999.00", 1),
    ("DT-MINI", "迷你台式主机", "电脑办公", "3299.00", 3),
    ("MN-27UHD", "27英寸 4K 显示器", "电脑办公", "2499.00", 4),
    ("MN-24FHD", "24-inch Full HD Monitor", "Computers", "999.00", 5),
    ("TB-11", "11英寸平板电脑", "电脑办公", "2899.00", 3),
    ("KB-MECH", "机械键盘", "电脑配件", "499.00", 6),
    ("MS-WL", "Wireless Ergonomic Mouse", "Accessories", "199.00", 8),
    ("HS-ANC", "Noise-cancelling Headset", "Accessories", "899.00", 4),
    ("WC-4K", "4K 网络摄像头", "电脑配件", "699.00", 4),
    ("DK-USBC", "USB-C Docking Station", "Accessories", "1299.00", 3),
    ("PR-LJ", "黑白激光打印机", "打印耗材", "1899.00", 3),
    ("PR-MFP", "Colour Multifunction Printer", "Printing", "3999.00", 2),
    ("TN-BK", "黑色硒鼓", "打印耗材", "399.00", 10),
    ("TN-CL", "Colour Toner Set", "Printing", "1199.00", 5),
    ("PA-A4", "A4 复印纸（5包）", "打印耗材", "129.00", 14),
    ("PA-PH", "Photo Paper, 100 sheets", "Printing", "59.00", 6),
    ("CH-ERGO", "人体工学办公椅", "办公家具", "1599.00", 4),
    ("DS-STAND", "Electric Standing Desk", "Furniture", "3299.00", 2),
    ("CB-FILE", "三抽文件柜", "办公家具", "699.00", 3),
    ("MT-TABLE", "会议桌（8人）", "办公家具", "4599.00", 1),
    ("RT-WIFI6", "Wi-Fi 6 企业级路由器", "网络设备", "1599.00", 3),
    ("SW-24G", "24-port Gigabit Switch", "Networking", "1899.00", 2),
    ("AP-CEIL", "吸顶无线 AP", "网络设备", "899.00", 3),
    ("FW-UTM", "下一代防火墙", "网络设备", "8999.00", 1),
    ("NAS-4B", "4-bay NAS Storage", "Networking", "3599.00", 2),
    ("SW-OFF-Y", "办公套件 年度订阅", "软件订阅", "699.00", 6),
    ("SW-AV-Y", "Business Antivirus, 1 seat, 1 year", "Software", "199.00", 6),
    ("SW-CRM-Y", "CRM 云服务 年度订阅（每用户）", "软件订阅", "1200.00", 3),
    ("SW-DSN-Y", "Design Suite annual licence", "Software", "4999.00", 1),
    ("SW-BAK-Y", "云备份 1TB 年度", "软件订阅", "599.00", 4),
    ("SV-INST", "上门安装调试", "服务", "300.00", 5),
    ("SV-CARE3", "Extended warranty, 3 years", "Services", "899.00", 3),
    ("SV-TRAIN", "员工培训（半天）", "服务", "2000.00", 1),
    ("SV-IT-M", "企业IT运维 月度服务", "服务", "3000.00", 2),
    ("SV-DATA", "Data recovery service", "Services", "1500.00", 1),
    ("PH-IP", "IP 桌面电话", "通讯设备", "599.00", 3),
    ("PH-CONF", "Conference Speakerphone", "Communications", "1299.00", 2),
    ("PH-SMART", "商务智能手机", "通讯设备", "4599.00", 2),
    ("UP-UPS", "不间断电源 UPS 1500VA", "网络设备", "1299.00", 2),
]
