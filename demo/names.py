"""Word lists for synthetic organisations and people: invented, never a real station's clients."""
from __future__ import annotations

import numpy as np

CITIES = ["北京", "上海", "天津", "重庆", "深圳", "广州", "杭州", "南京", "苏州", "武汉", "成都", "西安",
          "长沙", "合肥", "济南", "青岛", "大连", "沈阳", "厦门", "福州", "郑州", "昆明", "南昌", "无锡",
          "宁波", "常州", "东莞", "佛山", "石家庄", "太原"]
WORDS = ["华科", "中研", "恒达", "创新", "博瑞", "天成", "金泰", "瑞丰", "宏图", "联创", "新源", "汇智",
         "科达", "正泰", "普华", "东方", "海德", "绿源", "长城", "嘉禾", "百川", "鼎盛", "远航", "星河",
         "晶合", "汉威", "安泰", "润邦", "明德", "德润", "盛世", "振华", "凯瑞", "英杰", "思源", "利民",
         "永信", "康宁", "卓越", "精诚", "同创", "佳和", "华强", "泰来", "立信", "众合", "美达", "天宇",
         "国辰", "兴业", "万通", "宝丰", "銮华", "华光", "光明", "君安", "中和", "奥特", "赛诺", "蓝天"]
TRADES = ["科技", "新材料", "生物", "环保", "电子", "化工", "制药", "能源", "农业", "信息技术",
          "精密机械", "光电"]
LEGAL_FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
FIELDS = ["化学", "物理", "生物物理", "金属", "计算技术", "声学", "力学", "植物", "动物", "微生物",
          "遥感", "地质", "海洋", "大气物理", "光学精密机械", "半导体", "过程工程", "电工", "自动化",
          "软件", "化学物理", "有机化学", "工程热物理", "生态环境", "土壤", "水生生物", "能源",
          "心理", "数学", "理化技术", "上海硅酸盐", "高能物理", "理论物理", "纳米", "药物", "营养",
          "遗传发育", "农业资源", "山地灾害", "寒区旱区"]
UNIVERSITY_KINDS = ["理工", "科技", "工业", "师范", "农业", "医科", "交通", "石油"]
OTHER_KINDS = ["科技局", "科学技术协会", "生产力促进中心", "知识产权局", "技术转移中心"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建华", "晓东", "海燕", "志强", "丽娟", "文博", "雪梅", "国庆", "红梅",
         "振宇"]
PINYIN = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
          "ma", "zhu", "hu", "guo", "he", "gao", "lin", "luo"]
DOMAINS = ["163.com", "126.com", "qq.com", "sina.com", "sohu.com", "foxmail.com"]
SEARCHERS = ["孙玉玲", "陈芳", "闫亚飞", "董璐", "周宁", "钱敏", "吴桐", "郑岚"]
PARKS = ["中关村科技园区", "张江高科技园区", "苏州工业园区", "深圳高新区", "武汉东湖高新区",
         "合肥高新区", "天津滨海新区", "成都高新区"]
INDUSTRIES = ["新材料", "生物医药", "电子信息", "节能环保", "先进制造", "新能源", "现代农业", "化工"]
SUBJECTS = ["化学", "材料科学", "生物学", "医学", "计算机科学", "环境科学", "机械工程", "农学", "物理学"]
ENTERPRISE_TYPES = ["国有", "民营", "外资", "合资"]
HONORS = ["高新技术企业", "省级企业技术中心", "国家级企业技术中心", "科技小巨人", "专精特新企业",
          "国家技术创新示范企业", "省科技进步一等奖", "中国专利优秀奖"]
PRODUCTS = ["产业分析", "领域态势分析", "关键技术筛选", "微型专题文献库", "文献分析", "专利分析", "市场调研"]
TOPICS = ["高性能复合材料", "锂离子电池正极材料", "污水处理工艺", "猪瘟病毒检测", "卷烟添加剂",
          "光伏组件封装", "工业机器人控制", "生物农药", "中药提取", "LED芯片", "稀土永磁",
          "纳米催化剂", "智能电网", "膜分离技术", "基因工程疫苗"]


def unique_names(rng: np.random.Generator, n: int, *parts: list[str], template: str) -> list[str]:
    """n distinct names drawn from the product of the word lists, formatted by template."""
    sizes = [len(p) for p in parts]
    space = int(np.prod(sizes))
    if n > space:
        raise ValueError(f"only {space} distinct names for {template!r}, asked for {n}")
    picks = rng.choice(space, size=n, replace=False)
    indices = np.unravel_index(picks, sizes)
    return [template.format(*(p[i] for p, i in zip(parts, idx))) for idx in zip(*indices)]


def people(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Contact names and the pinyin stem of their platform user names."""
    s = rng.integers(0, len(PINYIN), n)
    g = rng.integers(0, len(GIVEN), n)
    names = np.char.add(np.array(SURNAMES)[s], np.array(GIVEN)[g])
    return names, np.array(PINYIN)[s]
