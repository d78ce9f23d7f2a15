"""Random agency names, composed from place names and bodies.

The agencies of the seed reports and of the real sample (郑州、济宁、新郑、洛阳/洛龙、淮安)
are never used, so a model cannot learn them by heart.
"""

from __future__ import annotations

import random

CITIES = [
    "石家庄市", "唐山市", "保定市", "太原市", "大同市", "包头市", "沈阳市", "大连市", "鞍山市",
    "长春市", "哈尔滨市", "齐齐哈尔市", "南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市",
    "杭州市", "宁波市", "温州市", "嘉兴市", "合肥市", "芜湖市", "福州市", "厦门市", "泉州市",
    "南昌市", "赣州市", "济南市", "青岛市", "烟台市", "潍坊市", "开封市", "安阳市", "新乡市",
    "武汉市", "宜昌市", "襄阳市", "长沙市", "株洲市", "岳阳市", "广州市", "佛山市", "东莞市",
    "南宁市", "桂林市", "海口市", "成都市", "绵阳市", "贵阳市", "遵义市", "昆明市", "曲靖市",
    "西安市", "宝鸡市", "兰州市", "天水市", "西宁市", "银川市", "乌鲁木齐市", "呼和浩特市",
]
DISTRICTS = [
    "城关区", "高新区", "经开区", "新城区", "鼓楼区", "江北区", "西湖区", "雁塔区", "朝阳区",
    "和平区", "东湖区", "青山区", "长安区", "桥西区", "龙华区", "南山区", "白云区", "天河区",
    "滨湖区", "姑苏区", "秦淮区", "历下区", "市南区", "芙蓉区", "锦江区", "五华区", "碑林区",
]
COUNTIES = [
    "永宁县", "清河县", "临泉县", "太和县", "丰县", "沛县", "东阳市", "义乌市", "昆山市", "江阴市",
    "仁怀市", "宜兴市", "平阴县", "莒县", "寿光市", "浏阳市", "宁乡市", "简阳市", "富民县",
    "户县", "榆中县", "贺兰县", "安吉县", "德清县", "长兴县", "桐乡市", "海宁市",
]
TOWNS = ["城关镇", "新华街道", "人民路街道", "东城街道", "西关街道", "城南街道", "柳林镇", "石桥镇", "河口乡"]
BODIES = [
    "人民政府", "人民政府办公室", "人民政府办公厅", "公安局", "财政局", "教育局", "教育和体育局",
    "市场监督管理局", "卫生健康委员会", "卫生健康局", "自然资源和规划局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "农业农村局", "水利局", "商务局", "文化广电和旅游局",
    "应急管理局", "审计局", "统计局", "医疗保障局", "民政局", "司法局", "人力资源和社会保障局",
    "退役军人事务局", "发展和改革委员会", "工业和信息化局", "城市管理局", "行政审批局",
    "政务服务和大数据管理局", "林业局", "粮食和物资储备局", "科学技术局", "体育局",
]
LOCAL_BODIES = ["人民政府", "公安局", "财政局", "教育局", "市场监督管理局", "卫生健康局", "民政局"]
POLICE_UNITS = ["分局", "交通警察支队", "交通警察大队", "治安管理支队"]


def agency_name(rng: random.Random) -> str:
    """A plausible agency name, e.g. 苏州市姑苏区教育局 or 沛县城关镇人民政府."""
    city = rng.choice(CITIES)
    kind = rng.random()
    if kind < 0.40:
        return city + rng.choice(BODIES)
    if kind < 0.60:
        return city + rng.choice(DISTRICTS) + rng.choice(LOCAL_BODIES)
    if kind < 0.75:
        return rng.choice(COUNTIES) + rng.choice(BODIES)
    if kind < 0.87:
        place = rng.choice(DISTRICTS + COUNTIES)
        town = rng.choice(TOWNS)
        return place + town + ("街道办事处" if town.endswith("街道") else "人民政府")
    district = rng.choice(DISTRICTS)
    unit = rng.choice(POLICE_UNITS)
    if unit == "分局":
        return f"{city}公安局{district[:-1]}分局"
    return city + "公安局" + unit
